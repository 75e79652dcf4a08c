print("mdsens-examples: see issue 5")
