print("mdsens")
