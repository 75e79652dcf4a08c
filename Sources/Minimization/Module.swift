// Minimization
