namespace Inspecta.Search;

/// <summary>
/// Per-query candidates of the pruned (projected) pass: every bank row whose lower bound on the exact squared
/// distance is at most <see cref="Threshold"/>, the k-th smallest upper bound seen so far. The k rows behind that
/// upper bound are at most that far away, so no row with a larger lower bound can be among the exact k nearest.
/// </summary>
internal sealed class BoundedCandidates
{
    private readonly float[] _uppers;   // the k smallest upper bounds so far, ascending
    private int _upperCount;

    public float[] Lower;
    public int[] Indices;
    public int Count;

    /// <summary>The k-th smallest upper bound so far (+∞ until k rows were seen).</summary>
    public float Threshold = float.PositiveInfinity;

    public BoundedCandidates(int k, int capacity)
    {
        _uppers = new float[k];
        Lower = new float[capacity];
        Indices = new int[capacity];
    }

    /// <summary>Notes a row's upper bound (call only with values below <see cref="Threshold"/>).</summary>
    public void OfferUpper(float upper)
    {
        int k = _uppers.Length;
        int at = _upperCount < k ? _upperCount++ : k - 1;
        while (at > 0 && _uppers[at - 1] > upper)
        {
            _uppers[at] = _uppers[at - 1];
            at--;
        }
        _uppers[at] = upper;
        if (_upperCount == k) Threshold = _uppers[k - 1];
    }

    public void Add(float lower, int index)
    {
        if (Count == Lower.Length)
        {
            Compact();
            if (lower > Threshold) return;
        }
        Lower[Count] = lower;
        Indices[Count++] = index;
    }

    /// <summary>Drops the rows the threshold now rules out; grows when the survivors fill half.</summary>
    private void Compact()
    {
        float t = Threshold;
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            if (Lower[i] <= t)
            {
                Lower[kept] = Lower[i];
                Indices[kept++] = Indices[i];
            }
        }
        Count = kept;
        if (kept * 2 > Lower.Length)
        {
            Array.Resize(ref Lower, Lower.Length * 2);
            Array.Resize(ref Indices, Indices.Length * 2);
        }
    }
}
