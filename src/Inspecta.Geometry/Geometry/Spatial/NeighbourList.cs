namespace Inspecta.Geometry.Spatial;

/// <summary>A reusable, growable result buffer for one radius query (indices with squared distances).</summary>
public sealed class NeighbourList
{
    private int[] _indices;
    private float[] _sqDistances;

    public NeighbourList(int capacity = 64)
    {
        _indices = new int[Math.Max(capacity, 4)];
        _sqDistances = new float[_indices.Length];
    }

    public int Count { get; private set; }
    public ReadOnlySpan<int> Indices => _indices.AsSpan(0, Count);
    public ReadOnlySpan<float> SqDistances => _sqDistances.AsSpan(0, Count);

    public void Clear() => Count = 0;

    internal void Add(int index, float sqDistance)
    {
        if (Count == _indices.Length) Grow(Count * 2);
        _indices[Count] = index;
        _sqDistances[Count] = sqDistance;
        Count++;
    }

    /// <summary>Exposes writable storage of at least <paramref name="capacity"/> entries (for k-NN into the buffer).</summary>
    internal void Reserve(int capacity)
    {
        if (_indices.Length < capacity) Grow(capacity);
    }

    internal Span<int> IndexStorage => _indices;
    internal Span<float> DistanceStorage => _sqDistances;

    internal void SetCount(int count) => Count = count;

    /// <summary>Sorts by distance, ties by index (deterministic regardless of tree layout).</summary>
    internal void Sort()
    {
        var d = _sqDistances.AsSpan(0, Count);
        var ix = _indices.AsSpan(0, Count);
        // Insertion sort: neighbour lists are short (tens of entries) and the collection order is nearly sorted.
        for (int i = 1; i < d.Length; i++)
        {
            float dv = d[i]; int iv = ix[i]; int j = i - 1;
            while (j >= 0 && (d[j] > dv || (d[j] == dv && ix[j] > iv))) { d[j + 1] = d[j]; ix[j + 1] = ix[j]; j--; }
            d[j + 1] = dv; ix[j + 1] = iv;
        }
    }

    private void Grow(int capacity)
    {
        Array.Resize(ref _indices, capacity);
        Array.Resize(ref _sqDistances, capacity);
    }
}
