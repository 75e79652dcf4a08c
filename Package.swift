// swift-tools-version:6.0
// mdsens: sensitivities of energy-minimised particle configurations by implicit differentiation.
import PackageDescription

let linuxMath: [LinkerSetting] = [.linkedLibrary("m", .when(platforms: [.linux]))]

let package = Package(
  name: "mdsens",
  products: [
    // The general implicit-differentiation engine: usable without any particle code.
    .library(name: "ImplicitDifferentiation",
             targets: ["RandomNumbers", "DualNumbers", "LinearAlgebra", "ImplicitDifferentiation"]),
    // Particle systems, minimisers, trajectories and their sensitivities.
    .library(name: "MDSens",
             targets: ["RandomNumbers", "FourierTransforms", "Particles", "Minimization", "Models", "Trajectories",
                       "Simulation", "Sensitivity", "Relaxation", "Analysis"]),
    .executable(name: "mdsens", targets: ["mdsens"]),
    .executable(name: "mdsens-benchmark", targets: ["mdsens-benchmark"]),
    .executable(name: "mdsens-sensitivity-benchmark", targets: ["mdsens-sensitivity-benchmark"]),
    .executable(name: "mdsens-elasticity-benchmark", targets: ["mdsens-elasticity-benchmark"]),
    .executable(name: "mdsens-analysis-benchmark", targets: ["mdsens-analysis-benchmark"]),
    // Bilevel machine-learning examples on the implicit engine (the paper's Sec. 3-4).
    .library(name: "BilevelExamples", targets: ["BilevelExamples"]),
    // Ensembles of members (seeds × parameters) of one system, on local threads or MPI ranks.
    .library(name: "Ensembles", targets: ["Ensembles", "EnsembleMPI"]),
    .executable(name: "mdsens-examples", targets: ["mdsens-examples"]),
  ],
  targets: [
    // System libraries from Debian packages (tools/setup.sh installs them).
    .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CLAPACKE", pkgConfig: "lapacke", providers: [.apt(["liblapacke-dev"])]),
    .systemLibrary(name: "CFFTW", pkgConfig: "fftw3", providers: [.apt(["libfftw3-dev"])]),
    .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(name: "CMPI", pkgConfig: "mpich", providers: [.apt(["libmpich-dev"])]),

    // Seeded random numbers (SplitMix64, xoshiro256**, uniform and normal draws), shared by all.
    .target(name: "RandomNumbers", linkerSettings: linuxMath),

    // Implicit differentiation engine.
    .target(name: "DualNumbers", linkerSettings: linuxMath),
    .target(name: "LinearAlgebra", dependencies: ["RandomNumbers", "CBLAS", "CLAPACKE"], linkerSettings: linuxMath),
    .target(name: "ImplicitDifferentiation", dependencies: ["DualNumbers", "LinearAlgebra", "RandomNumbers"],
            linkerSettings: linuxMath),

    // FFTW's planner behind one process-wide lock, and planned in-place grid transforms.
    .target(name: "FourierTransforms", dependencies: ["CFFTW"], linkerSettings: linuxMath),
    // Particle systems.
    .target(name: "Particles", dependencies: ["DualNumbers", "RandomNumbers"], linkerSettings: linuxMath),
    .target(name: "Minimization", dependencies: ["DualNumbers", "Particles", "FourierTransforms"], linkerSettings: linuxMath),
    // The system as plain numbers, its one dispatch to concrete kernels, and its minimisation.
    .target(name: "Models", dependencies: ["DualNumbers", "Particles", "Minimization"], linkerSettings: linuxMath),
    .target(name: "Trajectories", dependencies: ["CHDF5"], linkerSettings: linuxMath),
    // System files, positions files and trajectories of a model.
    .target(name: "Simulation", dependencies: ["Models", "Minimization", "Particles", "RandomNumbers", "Trajectories"],
            linkerSettings: linuxMath),

    // Position sensitivities of minimised configurations (implicit, unrolled, finite differences),
    // the implicit ones as instances of the engine.
    .target(name: "Sensitivity",
            dependencies: ["ImplicitDifferentiation", "LinearAlgebra", "DualNumbers", "Particles", "Minimization",
                           "Models"],
            linkerSettings: linuxMath),

    // Minimisation to tight forces: the Newton–Krylov finish on the model's Hessian.
    .target(name: "Relaxation",
            dependencies: ["LinearAlgebra", "Particles", "Minimization", "Models", "Sensitivity"],
            linkerSettings: linuxMath),

    // Observables of minima: contacts, pressure, vibrational spectrum and modes, structure factor (FFTW).
    .target(name: "Analysis",
            dependencies: ["Models", "Particles", "LinearAlgebra", "RandomNumbers", "Sensitivity", "FourierTransforms"],
            linkerSettings: linuxMath),

    // Sweeps of a system's seeds and parameters: members, restartable records, summary statistics,
    // the work distribution on local threads; no MPI here.
    .target(name: "Ensembles", dependencies: ["Simulation", "Trajectories"], linkerSettings: linuxMath),
    // The same work distribution over MPI ranks (rank 0 hands out members).
    .target(name: "EnsembleMPI", dependencies: ["Ensembles", "CMPI"], linkerSettings: linuxMath),

    // Machine-learning bilevel problems built on the engine (secondary module).
    .target(name: "BilevelExamples",
            dependencies: ["DualNumbers", "RandomNumbers", "LinearAlgebra", "ImplicitDifferentiation", "Minimization",
                           "CBLAS"],
            resources: [.copy("Data")], linkerSettings: linuxMath),

    // Programs.
    .executableTarget(name: "mdsens",
                      dependencies: ["Models", "Simulation", "Sensitivity", "Trajectories", "Relaxation", "Analysis",
                                     "Ensembles", "EnsembleMPI", "CBLAS"]),
    .executableTarget(name: "mdsens-benchmark", dependencies: ["Models", "Simulation", "Sensitivity"]),
    .executableTarget(name: "mdsens-examples", dependencies: ["BilevelExamples"]),
    .executableTarget(name: "mdsens-elasticity-benchmark",
                      dependencies: ["Models", "Simulation", "Sensitivity", "Particles", "ImplicitDifferentiation"]),
    .executableTarget(name: "mdsens-sensitivity-benchmark",
                      dependencies: ["Models", "Simulation", "Sensitivity", "Particles"]),

    .executableTarget(name: "mdsens-analysis-benchmark",
                      dependencies: ["Analysis", "Models", "Minimization", "Particles", "Simulation", "Sensitivity",
                                     "LinearAlgebra"]),

    // Tests, one target per module.
    .testTarget(name: "RandomNumbersTests", dependencies: ["RandomNumbers"]),
    .testTarget(name: "DualNumbersTests", dependencies: ["DualNumbers"]),
    .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "RandomNumbers"]),
    .testTarget(name: "ImplicitDifferentiationTests",
                dependencies: ["ImplicitDifferentiation", "DualNumbers", "LinearAlgebra", "RandomNumbers"]),
    .testTarget(name: "FourierTransformsTests", dependencies: ["FourierTransforms"]),
    .testTarget(name: "ParticlesTests", dependencies: ["Particles", "DualNumbers", "RandomNumbers"]),
    .testTarget(name: "MinimizationTests",
                dependencies: ["Minimization", "Particles", "Models", "Simulation", "LinearAlgebra", "RandomNumbers"]),
    .testTarget(name: "ModelsTests", dependencies: ["Models", "Particles", "Minimization", "DualNumbers"]),
    .testTarget(name: "TrajectoriesTests", dependencies: ["Trajectories", "RandomNumbers"]),
    .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Models", "Trajectories"]),
    .testTarget(name: "EnsemblesTests", dependencies: ["Ensembles", "Simulation", "Models", "Trajectories"]),
    .testTarget(name: "BilevelExamplesTests",
                dependencies: ["BilevelExamples", "ImplicitDifferentiation", "LinearAlgebra", "DualNumbers", "RandomNumbers"]),
    // The command line as a user meets it: the built `mdsens` executable run on hostile input.
    .testTarget(name: "CommandLineTests", dependencies: ["mdsens"]),
    .testTarget(name: "RelaxationTests",
                dependencies: ["Relaxation", "Models", "Simulation", "Sensitivity", "Minimization"]),
    .testTarget(name: "AnalysisTests",
                dependencies: ["Analysis", "Models", "Minimization", "Simulation", "Sensitivity", "Particles", "LinearAlgebra",
                               "RandomNumbers"]),
    .testTarget(name: "SensitivityTests",
                dependencies: ["Sensitivity", "Models", "Simulation", "Particles", "Minimization", "LinearAlgebra",
                               "DualNumbers", "ImplicitDifferentiation"]),
  ]
)
