// ImplicitDifferentiation
