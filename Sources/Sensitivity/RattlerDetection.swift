import Models

/// Rattlers: particles the rigid network does not hold in place, found from the contact network.
///
/// **Who is a rattler.** With purely repulsive contacts (soft spheres) a contact can only push, so a
/// particle needs at least d + 1 contacts to be caged; with attractive potentials (Lennard-Jones,
/// Morse) every pair within the cutoff is a two-sided bond and d bonds in general position already
/// hold a particle. `ParticleModel/rattlerContactThreshold` gives d + 1 or d accordingly.
/// Degenerate networks that pass the count (collinear bonds, ...) are left to the validity report:
/// its smallest eigenvalue of the reduced Hessian flags any floppy mode that remains.
///
/// The search is iterative: once a rattler is removed, its contacts no longer count for its
/// neighbours, which may then become rattlers themselves; it stops when no particle changes.
///
/// **Removed, not pinned.** The sensitivity is solved for the backbone with the rattlers *removed*:
/// every pair term involving a rattler is dropped from H, from B = ∂F/∂θ and from the residual
/// force (see `NeighbourList/removingPairs(involving:)`). Pinning them instead (deleting only
/// their rows and columns) would keep their contacts as springs to fixed points in the backbone
/// particles' diagonal blocks. At a minimum a rattler's contacts carry no force (a particle with
/// fewer than d + 1 one-sided contacts cannot balance a non-zero one), but a harmonic contact at
/// zero force still has stiffness ε/σ². The rattler is free to follow its partner (or to let the
/// contact open), so what the backbone feels is the Schur complement H_bb − H_br H_rr⁺ H_rb, and
/// for a single contact of stiffness k along n that subtracts exactly the k n nᵀ the contact added:
/// the rattler's pair terms cancel (the same holds for its terms in B). Removing is therefore what
/// a re-minimisation at θ ± h (finite differences) measures; pinning adds spurious stiffness.
/// For a rattler with no contacts at all (caged) both are the same.
///
/// A rattler's own position is not a differentiable function of θ (it sits anywhere its cage or
/// its force-free contacts allow; FIRE even leaves it drifting with whatever velocity a
/// re-minimisation gave it), so it is given zero sensitivity, and the translation gauge is the
/// backbone's centre of mass.
public enum RattlerDetection {
  /// Indices of the rattlers, ascending. `minimumContacts` defaults to d + 1.
  public static func rattlers(in network: ContactNetwork, dimension: Int, minimumContacts: Int? = nil) -> [Int] {
    let threshold = minimumContacts ?? dimension + 1
    var isRattler = [Bool](repeating: false, count: network.particleCount)
    var partners = [[Int]](repeating: [], count: network.particleCount)
    for pair in network.pairs {
      partners[pair.first].append(pair.second)
      partners[pair.second].append(pair.first)
    }
    var counts = partners.map(\.count)
    var pending = Array(0..<network.particleCount)
    while let particle = pending.popLast() {
      guard !isRattler[particle], counts[particle] < threshold else { continue }
      isRattler[particle] = true
      // Its contacts no longer hold anyone: re-examine the partners that lose one.
      for partner in partners[particle] where !isRattler[partner] {
        counts[partner] -= 1
        pending.append(partner)
      }
    }
    return isRattler.indices.filter { isRattler[$0] }
  }
}

extension ParticleModel {
  /// The fewest contacts that can hold a particle: d + 1 for purely repulsive (one-sided) soft
  /// spheres, d for potentials with attraction, whose bonds act both ways.
  public var rattlerContactThreshold: Int {
    switch potential {
    case .softSphere: return dimension + 1
    case .lennardJones, .morse: return dimension
    }
  }
}
