namespace Inspecta.Search;

/// <summary>
/// Per-query candidates of the approximate (fp32 expansion) pass: every bank row whose approximate squared
/// distance is within <see cref="Window"/> of the current k-th best approximate value. Because the
/// expansion's error is bounded by Window/2 for every pair, this set always contains the exact top-k, which
/// the exact re-ranking then picks. The list grows when many near-ties fall inside the window.
/// </summary>
internal sealed class CandidateList
{
    private readonly int _k;
    private float[] _scratch;

    public float[] Values;
    public int[] Indices;
    public int Count;

    /// <summary>Approximate values above this can never be in the exact top-k (+∞ until k candidates exist).</summary>
    public float Threshold = float.PositiveInfinity;

    /// <summary>Twice the bound on |approximate − exact| squared distance for this query.</summary>
    public readonly double Window;

    public CandidateList(int k, double window, int capacity)
    {
        _k = k;
        Window = window;
        Values = new float[capacity];
        Indices = new int[capacity];
        _scratch = new float[capacity];
    }

    public void Add(float value, int index)
    {
        if (Count == Values.Length)
        {
            Compact();
            if (value > Threshold) return;
        }
        Values[Count] = value;
        Indices[Count++] = index;
    }

    /// <summary>Drops candidates that the k-th best value now rules out; grows when the survivors fill half.</summary>
    private void Compact()
    {
        float kth = KthSmallest(Values.AsSpan(0, Count), _k, ref _scratch);
        Threshold = UpperBound(kth, Window);
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            if (Values[i] <= Threshold)
            {
                Values[kept] = Values[i];
                Indices[kept++] = Indices[i];
            }
        }
        Count = kept;
        if (kept * 2 > Values.Length)
        {
            Array.Resize(ref Values, Values.Length * 2);
            Array.Resize(ref Indices, Indices.Length * 2);
        }
    }

    /// <summary>The smallest float ≥ kth + window (rounded up, so the bound stays conservative).</summary>
    public static float UpperBound(float kth, double window)
    {
        double t = kth + window;
        float f = (float)t;
        return f < t ? MathF.BitIncrement(f) : f;
    }

    public static float KthSmallest(ReadOnlySpan<float> values, int k, ref float[] scratch)
    {
        if (scratch.Length < values.Length) scratch = new float[values.Length];
        Span<float> s = scratch.AsSpan(0, values.Length);
        values.CopyTo(s);
        s.Sort();
        return s[k - 1];
    }
}
