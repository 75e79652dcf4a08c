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
             targets: ["RandomNumbers", "Particles", "Minimization", "Trajectories", "Simulation", "Sensitivity"]),
    .executable(name: "mdsens", targets: ["mdsens"]),
    .executable(name: "mdsens-benchmark", targets: ["mdsens-benchmark"]),
    .executable(name: "mdsens-sensitivity-benchmark", targets: ["mdsens-sensitivity-benchmark"]),
    // Bilevel machine-learning examples on the implicit engine (the paper's Sec. 3-4).
    .library(name: "BilevelExamples", targets: ["BilevelExamples"]),
    .executable(name: "mdsens-examples", targets: ["mdsens-examples"]),
  ],
  targets: [
    // System libraries from Debian packages (tools/setup.sh installs them).
    .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CLAPACKE", pkgConfig: "lapacke", providers: [.apt(["liblapacke-dev"])]),
    .systemLibrary(name: "CFFTW", pkgConfig: "fftw3", providers: [.apt(["libfftw3-dev"])]),
    .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),

    // Seeded random numbers (SplitMix64, xoshiro256**, uniform and normal draws), shared by all.
    .target(name: "RandomNumbers", linkerSettings: linuxMath),

    // Implicit differentiation engine.
    .target(name: "DualNumbers", linkerSettings: linuxMath),
    .target(name: "LinearAlgebra", dependencies: ["RandomNumbers", "CBLAS", "CLAPACKE"], linkerSettings: linuxMath),
    .target(name: "ImplicitDifferentiation", dependencies: ["DualNumbers", "LinearAlgebra", "RandomNumbers"],
            linkerSettings: linuxMath),

    // Particle systems.
    .target(name: "Particles", dependencies: ["DualNumbers", "RandomNumbers"], linkerSettings: linuxMath),
    .target(name: "Minimization", dependencies: ["DualNumbers", "Particles"], linkerSettings: linuxMath),
    .target(name: "Trajectories", dependencies: ["CHDF5"], linkerSettings: linuxMath),
    .target(name: "Simulation",
            dependencies: ["DualNumbers", "RandomNumbers", "Particles", "Minimization", "Trajectories"],
            linkerSettings: linuxMath),

    // Position sensitivities of minimised configurations (implicit, unrolled, finite differences).
    .target(name: "Sensitivity",
            dependencies: ["DualNumbers", "LinearAlgebra", "Particles", "Minimization", "Simulation"],
            linkerSettings: linuxMath),

    // Machine-learning bilevel problems built on the engine (secondary module).
    .target(name: "BilevelExamples",
            dependencies: ["DualNumbers", "RandomNumbers", "LinearAlgebra", "ImplicitDifferentiation", "CBLAS"],
            resources: [.copy("Data")], linkerSettings: linuxMath),

    // Programs.
    .executableTarget(name: "mdsens", dependencies: ["Simulation", "Sensitivity", "Trajectories"]),
    .executableTarget(name: "mdsens-benchmark", dependencies: ["Simulation", "Sensitivity"]),
    .executableTarget(name: "mdsens-examples", dependencies: ["BilevelExamples"]),
    .executableTarget(name: "mdsens-sensitivity-benchmark", dependencies: ["Simulation", "Sensitivity", "Particles"]),

    // Tests, one target per module.
    .testTarget(name: "RandomNumbersTests", dependencies: ["RandomNumbers"]),
    .testTarget(name: "DualNumbersTests", dependencies: ["DualNumbers"]),
    .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "RandomNumbers"]),
    .testTarget(name: "ImplicitDifferentiationTests",
                dependencies: ["ImplicitDifferentiation", "DualNumbers", "LinearAlgebra", "RandomNumbers"]),
    .testTarget(name: "ParticlesTests", dependencies: ["Particles", "DualNumbers", "RandomNumbers"]),
    .testTarget(name: "MinimizationTests", dependencies: ["Minimization", "Particles", "Simulation"]),
    .testTarget(name: "TrajectoriesTests", dependencies: ["Trajectories"]),
    .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Trajectories"]),
    .testTarget(name: "BilevelExamplesTests",
                dependencies: ["BilevelExamples", "ImplicitDifferentiation", "LinearAlgebra", "DualNumbers", "RandomNumbers"]),
    // The command line as a user meets it: the built `mdsens` executable run on hostile input.
    .testTarget(name: "CommandLineTests", dependencies: ["mdsens"]),
    .testTarget(name: "SensitivityTests",
                dependencies: ["Sensitivity", "Simulation", "Particles", "Minimization", "LinearAlgebra", "DualNumbers"]),
  ]
)
