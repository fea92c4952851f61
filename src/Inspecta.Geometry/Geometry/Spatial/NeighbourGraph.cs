namespace Inspecta.Geometry.Spatial;

/// <summary>
/// Neighbour lists of many queries in compressed-row form: the neighbours of query q are
/// Indices[Offsets[q]..Offsets[q+1]] (sorted by distance, ties by index) with their squared distances.
/// </summary>
public sealed class NeighbourGraph
{
    public int[] Offsets { get; }
    public int[] Indices { get; }
    public float[] SqDistances { get; }

    public NeighbourGraph(int[] offsets, int[] indices, float[] sqDistances)
    {
        if (offsets.Length == 0 || offsets[^1] != indices.Length || indices.Length != sqDistances.Length)
            throw new ArgumentException("Inconsistent neighbour graph arrays.");
        Offsets = offsets; Indices = indices; SqDistances = sqDistances;
    }

    public int QueryCount => Offsets.Length - 1;
    public int Count(int query) => Offsets[query + 1] - Offsets[query];
    public ReadOnlySpan<int> Neighbours(int query) => Indices.AsSpan(Offsets[query], Count(query));
    public ReadOnlySpan<float> Distances2(int query) => SqDistances.AsSpan(Offsets[query], Count(query));

    /// <summary>Mean number of neighbours per query.</summary>
    public double MeanCount => QueryCount == 0 ? 0 : (double)Indices.Length / QueryCount;
}
