import Models

/// The contact network of a minimum and the counts jamming papers report beside the moduli.
///
/// With N particles, N_c contacts and N′ = N − N_r particles left once the N_r rattlers are removed
/// (``RattlerDetection``, the same iterative rule the sensitivities use), the mean contact numbers are
///
///     Z = 2 N_c / N            (every particle, every contact)
///     Z′ = 2 N′_c / N′         (the rigid backbone: contacts between non-rattlers only)
///
/// and the isostatic value for frictionless spheres is Z_iso = 2d in the thermodynamic limit. In a
/// periodic box the d global translations need no constraint and one more contact than d(N′ − 1) is
/// needed to hold a positive pressure (Goodrich, Liu and Nagel, PRL 109, 095704 (2012)):
///
///     N_c,iso = d (N′ − 1) + 1,   Z_iso(N′) = 2 N_c,iso / N′ = 2d − (2d − 2) / N′,
///
/// and ΔZ = Z′ − Z_iso(N′) is the excess coordination that scales as √p near jamming.
public struct ContactStatistics: Sendable, Equatable {
  public let dimension: Int
  /// The network at the minimum (pairs with ∂U/∂r ≠ 0).
  public let network: ContactNetwork
  /// zᵢ of every particle, rattlers included.
  public let contactNumbers: [Int]
  /// Rattlers, ascending.
  public let rattlers: [Int]
  /// Contacts between two non-rattlers, N′_c.
  public let backboneContactCount: Int

  /// The statistics of `network` with rattlers found with at least `minimumContacts` (default: the
  /// model's `ParticleModel.rattlerContactThreshold`, d + 1 for soft spheres).
  public init(network: ContactNetwork, dimension: Int, minimumContacts: Int) {
    self.dimension = dimension
    self.network = network
    contactNumbers = network.contactNumbers
    rattlers = RattlerDetection.rattlers(in: network, dimension: dimension, minimumContacts: minimumContacts)
    var isRattler = [Bool](repeating: false, count: network.particleCount)
    for rattler in rattlers { isRattler[rattler] = true }
    backboneContactCount = network.pairs.filter { !isRattler[$0.first] && !isRattler[$0.second] }.count
  }

  public var particleCount: Int { network.particleCount }
  /// N_c.
  public var contactCount: Int { network.pairs.count }
  /// N′ = N − N_r.
  public var backboneParticleCount: Int { particleCount - rattlers.count }

  /// Z = 2 N_c / N.
  public var meanContactNumber: Double {
    particleCount > 0 ? 2 * Double(contactCount) / Double(particleCount) : 0
  }

  /// Z′ = 2 N′_c / N′ (0 without a backbone).
  public var backboneMeanContactNumber: Double {
    backboneParticleCount > 0 ? 2 * Double(backboneContactCount) / Double(backboneParticleCount) : 0
  }

  /// Z_iso = 2d, the isostatic contact number of frictionless spheres for N → ∞.
  public var isostaticContactNumber: Double { Double(2 * dimension) }

  /// Z_iso(N′) = 2d − (2d − 2)/N′ for a periodic box (see the type's documentation).
  public var finiteSizeIsostaticContactNumber: Double {
    guard backboneParticleCount > 0 else { return isostaticContactNumber }
    return isostaticContactNumber - Double(2 * dimension - 2) / Double(backboneParticleCount)
  }

  /// ΔZ = Z′ − Z_iso(N′).
  public var excessContactNumber: Double { backboneMeanContactNumber - finiteSizeIsostaticContactNumber }

  /// Z − Z_iso(N): the same count with the rattlers and their contacts kept, as a code that does not
  /// remove rattlers reports it (below ΔZ whenever there are rattlers with fewer than 2d contacts).
  public var excessContactNumberIncludingRattlers: Double {
    guard particleCount > 0 else { return 0 }
    return meanContactNumber - (isostaticContactNumber - Double(2 * dimension - 2) / Double(particleCount))
  }
}

extension ParticleModel {
  /// The contact statistics at `positions` (a minimum), rattlers by ``rattlerContactThreshold``.
  public func contactStatistics(at positions: [Double]) -> ContactStatistics {
    ContactStatistics(network: contactNetwork(at: positions), dimension: dimension,
                      minimumContacts: rattlerContactThreshold)
  }
}
