import Minimization
import Particles
import Simulation
#if canImport(Glibc)
import Glibc
#endif

/// What one child process measured for one (N, d, threads): per-repetition samples and medians.
struct ConfigurationResult: Codable {
  var size: Int
  var dimension: Int
  var threads: Int
  var packingFraction: Double
  var boxSide: Double
  var skin: Double
  var warmupSteps: Int
  var warmupSeconds: Double
  /// Force-only evaluations timed per repetition (fixed neighbour list).
  var forceEvaluations: Int
  /// FIRE steps timed per repetition (one `minimize` call: k + 1 force evaluations).
  var fireSteps: Int
  var forceNanosecondsPerParticle: [Double]
  var forceNanosecondsPerPair: [Double]
  var fireNanosecondsPerParticle: [Double]
  /// One neighbour-list build from scratch (cell list + Verlet list) at the current configuration.
  var rebuildNanosecondsPerParticle: [Double]
  var pairsPerParticle: [Double]
  var rebuildsPerStep: [Double]
  /// Peak resident set of the child process (VmHWM from /proc/self/status, else ru_maxrss).
  var peakMiB: Double
  /// Resident set at the start of the child, before any particle data (runtime + libraries).
  var startMiB: Double
  /// Peak resident set after the untimed warm-up (smallest thread count).
  var warmupPeakMiB: Double
  var peakMethod: String
  /// Sum of energies, so that no timed work can be optimised away.
  var checksum: Double

  var medianForce: Double { median(forceNanosecondsPerParticle) }
  var medianForcePerPair: Double { median(forceNanosecondsPerPair) }
  var medianFIRE: Double { median(fireNanosecondsPerParticle) }
  var medianRebuild: Double { median(rebuildNanosecondsPerParticle) }
  var medianPairs: Double { median(pairsPerParticle) }
  var medianRebuilds: Double { median(rebuildsPerStep) }
}

func median(_ values: [Double]) -> Double {
  guard !values.isEmpty else { return .nan }
  let sorted = values.sorted()
  let middle = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Monotonic time in seconds.
func now() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// (VmHWM, VmRSS) in MiB from /proc/self/status; ru_maxrss when that file is unreadable.
func memoryMiB() -> (peak: Double, current: Double) {
  var peak = -1.0
  var current = -1.0
  if let file = fopen("/proc/self/status", "r") {
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), file) != nil {
      let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
      guard fields.count >= 2, let kilobytes = Double(fields[1]) else { continue }
      if fields[0] == "VmHWM:" { peak = kilobytes / 1024 }
      if fields[0] == "VmRSS:" { current = kilobytes / 1024 }
    }
  }
  if peak < 0 {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    peak = Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
  }
  return (peak, current)
}

/// Timed work per repetition for N particles: ~constant total work per size, within limits.
func workload(size: Int, scale: Double) -> (forceEvaluations: Int, fireSteps: Int) {
  let n = Double(size)
  let forces = max(5, Int((scale * min(1000, 2e7 / n)).rounded()))
  let steps = max(5, Int((scale * min(200, 2e7 / n)).rounded()))
  return (forces, steps)
}

/// Resets the peak resident set (VmHWM) to the current one (Linux ≥ 4.0: "5" > clear_refs).
func resetPeakMemory() -> Bool {
  guard let file = fopen("/proc/self/clear_refs", "w") else { return false }
  let written = fputs("5", file) >= 0
  return fclose(file) == 0 && written
}

/// Runs one (N, d) in this process for every thread count: random start, untimed FIRE warm-up
/// (with the smallest thread count), then `repeats` rounds; in each round every thread count in
/// turn (alternating the order) runs force-only evaluations on the current neighbour list, then
/// FIRE steps continuing the descent. Interleaving exposes all thread counts to the same noise.
///
/// Peak memory per thread count: VmHWM is reset before each measured phase and read after it;
/// the reported peak is the largest of those and the warm-up's peak.
func measure<D: SpatialDimension>(
  _: D.Type, size n: Int, threadCounts: [Int], options: Options
) -> [ConfigurationResult] {
  let start = memoryMiB()
  let dimension = D.count
  let packingFraction = dimension == 2 ? 0.90 : 0.70
  let speciesDiameters = [1.0, 1.4]
  // 50:50 by alternation; positions are random, so species carry no spatial pattern.
  var species = (0..<n).map { $0 % 2 }
  var volume = 0.0
  for s in species {
    let d = speciesDiameters[s]
    volume += dimension == 2 ? Double.pi * d * d / 4 : Double.pi * d * d * d / 6
  }
  let side = pow(volume / packingFraction, 1 / Double(dimension))
  var positions = RandomConfiguration.uniform(
    count: n, edges: [Double](repeating: side, count: dimension), seed: options.seed)
  // Number the particles cell by cell, as ParticleModel.minimize does, so partners are close in memory.
  let order = SpatialOrder.cellOrder(positions: positions, dimension: dimension,
                                     edges: [Double](repeating: side, count: dimension), cellSize: 1.4 + options.skin)
  positions = SpatialOrder.permuted(positions, by: order, width: dimension)
  species = SpatialOrder.permuted(species, by: order)
  var interaction = PairInteraction(
    boundary: PeriodicBox<D, Double>(side: side),
    potential: SoftSphere<Double>(epsilon: 1, alpha: 2),
    diameters: SpeciesPairDiameters(species: species, speciesDiameters: speciesDiameters),
    threads: threadCounts.min()!)
  var landscape = ParticleLandscape(interaction, skin: options.skin)

  let warmupStart = now()
  if options.warmupSteps > 0 {
    positions = FIRE(forceTolerance: 0, maximumSteps: options.warmupSteps)
      .minimize(&landscape, from: positions).positions
  }
  let warmupSeconds = now() - warmupStart
  let warmupPeak = memoryMiB().peak
  var canReset = true

  let (forceEvaluations, fireSteps) = workload(size: n, scale: options.workScale)
  var results = threadCounts.map { threads in
    ConfigurationResult(
      size: n, dimension: dimension, threads: threads, packingFraction: packingFraction, boxSide: side,
      skin: options.skin, warmupSteps: options.warmupSteps, warmupSeconds: warmupSeconds,
      forceEvaluations: forceEvaluations, fireSteps: fireSteps,
      forceNanosecondsPerParticle: [], forceNanosecondsPerPair: [], fireNanosecondsPerParticle: [],
      rebuildNanosecondsPerParticle: [],
      pairsPerParticle: [], rebuildsPerStep: [], peakMiB: warmupPeak, startMiB: start.current,
      warmupPeakMiB: warmupPeak, peakMethod: "", checksum: 0)
  }
  var forces = [Double](repeating: 0, count: n * dimension)
  for round in 0..<options.repeats {
    let order = round % 2 == 0 ? Array(threadCounts.indices) : threadCounts.indices.reversed()
    for index in order {
      let threads = threadCounts[index]
      interaction.threads = threads
      landscape.interaction.threads = threads
      landscape.neighbours.threads = threads
      canReset = canReset && resetPeakMemory()

      // Force only: the landscape's own list, brought up to date for the current positions. In its
      // own scope, as the rebuild below: a copy of the list still alive during FIRE would share its
      // arrays and scratch storage, so that FIRE's first rebuild had to allocate them again, and a
      // dead list would count towards the peak memory.
      do {
        interaction.updateNeighbours(&landscape.neighbours, positions: positions)
        let list = landscape.neighbours
        results[index].checksum += interaction.forces(positions, neighbours: list, into: &forces)  // warms caches
        let forceStart = now()
        for _ in 0..<forceEvaluations {
          results[index].checksum += interaction.forces(positions, neighbours: list, into: &forces)
        }
        let forceSeconds = now() - forceStart
        let evaluations = Double(forceEvaluations)
        results[index].forceNanosecondsPerParticle.append(forceSeconds * 1e9 / (evaluations * Double(n)))
        results[index].forceNanosecondsPerPair.append(
          forceSeconds * 1e9 / (evaluations * Double(max(1, list.pairCount))))
        results[index].pairsPerParticle.append(Double(list.pairCount) / Double(n))

        // One rebuild from scratch, as a minimiser triggers it once particles have moved far enough.
        var fresh = NeighbourList(skin: options.skin, threads: threads)
        let rebuildStart = now()
        interaction.updateNeighbours(&fresh, positions: positions)
        results[index].rebuildNanosecondsPerParticle.append((now() - rebuildStart) * 1e9 / Double(n))
        results[index].checksum += Double(fresh.pairCount)
      }

      // FIRE steps through the public minimiser, continuing from the current configuration.
      let buildsBefore = landscape.neighbours.buildCount
      let fireStart = now()
      let descent = FIRE(forceTolerance: 0, maximumSteps: fireSteps).minimize(&landscape, from: positions)
      let fireSeconds = now() - fireStart
      precondition(descent.steps == fireSteps, "FIRE stopped after \(descent.steps) steps: \(descent.stopReason)")
      results[index].checksum += descent.energy
      positions = descent.positions
      results[index].fireNanosecondsPerParticle.append(fireSeconds * 1e9 / (Double(fireSteps) * Double(n)))
      results[index].rebuildsPerStep.append(
        Double(landscape.neighbours.buildCount - buildsBefore) / Double(fireSteps))
      results[index].peakMiB = max(results[index].peakMiB, memoryMiB().peak)
    }
  }
  let method = canReset
    ? "VmHWM per thread count (reset through /proc/self/clear_refs before each phase), including the warm-up peak"
    : "VmHWM of the whole (N, d) child process (all thread counts)"
  if !canReset {
    let peak = memoryMiB().peak
    for index in results.indices { results[index].peakMiB = peak }
  }
  for index in results.indices { results[index].peakMethod = method }
  return results
}
