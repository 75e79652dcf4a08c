// Trajectories
