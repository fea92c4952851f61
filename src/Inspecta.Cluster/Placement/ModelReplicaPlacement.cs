using Orleans.Placement;
using Orleans.Runtime;

namespace Inspecta.Cluster.Placement;

/// <summary>
/// Where a model grain (one replica of one model) is activated: on the least-loaded active silo that does not hold another
/// replica of the same model yet (see <see cref="ModelReplicaPlacementDirector"/>). With <c>--replicas R</c> a model thus
/// lives on at most R silos, spread by load, and a silo that dies takes only its replicas with it.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class ModelReplicaPlacement : PlacementStrategy
{
    public static readonly ModelReplicaPlacement Instance = new();
}

/// <summary>Puts a grain class under <see cref="ModelReplicaPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ModelReplicaPlacementAttribute : PlacementAttribute
{
    public ModelReplicaPlacementAttribute() : base(ModelReplicaPlacement.Instance) { }
}
