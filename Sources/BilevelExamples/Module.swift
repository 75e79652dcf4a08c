// Bilevel examples: see issue 5
