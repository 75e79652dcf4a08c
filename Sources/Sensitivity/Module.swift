// Sensitivity: see issue 4
