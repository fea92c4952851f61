namespace Inspecta.Evaluation;

/// <summary>
/// Streaming form of the official MVTec <c>trapezoid(x, y, x_max)</c> for several limits at once: points arrive in
/// non-decreasing x; the area of every segment with both ends at x ≤ limit is summed, and the segment crossing the
/// limit adds the part up to the limit with y linearly interpolated there. Holding no curve lets one sweep over
/// tens of millions of thresholds integrate all limits in O(1) memory. The segment areas are one running sum (the
/// sum for a limit is a prefix of the sum for any larger limit), so a point costs the same for one or many limits.
/// </summary>
internal sealed class LimitedTrapezoid
{
    private readonly double[] _sortedLimits;
    private readonly int[] _order;     // _order[k] = index in the caller's list of the k-th smallest limit
    private readonly double[] _area;   // by caller index
    private int _next;                 // smallest limit not yet passed
    private double _sum, _prevX, _prevY;
    private bool _started;

    public LimitedTrapezoid(IReadOnlyList<double> limits)
    {
        _order = [.. Enumerable.Range(0, limits.Count).OrderBy(i => limits[i])];
        _sortedLimits = [.. _order.Select(i => limits[i])];
        _area = new double[limits.Count];
    }

    public void Add(double x, double y)
    {
        if (!_started) { _prevX = x; _prevY = y; _started = true; return; }
        // First point beyond a limit: close it with the official correction term (zero when the previous point
        // sits exactly on the limit).
        while (_next < _sortedLimits.Length && x > _sortedLimits[_next])
        {
            double limit = _sortedLimits[_next];
            double yAtLimit = _prevY + (y - _prevY) * (limit - _prevX) / (x - _prevX);
            _area[_order[_next]] = _sum + 0.5 * (yAtLimit + _prevY) * (limit - _prevX);
            _next++;
        }
        _sum += 0.5 * (y + _prevY) * (x - _prevX);
        _prevX = x; _prevY = y;
    }

    /// <summary>Area up to each limit divided by the limit (the normalised AU-PRO), in the order of the limits given.</summary>
    public double[] NormalizedAreas()
    {
        var result = new double[_area.Length];
        for (int k = 0; k < _sortedLimits.Length; k++)
        {
            int i = _order[k];
            double area = k < _next ? _area[i] : _sum; // limits never passed (≥ the last x) take the whole area
            result[i] = area / _sortedLimits[k];
        }
        return result;
    }

    /// <summary>Integrates a whole curve (x non-decreasing) up to each limit, normalised by the limit.</summary>
    public static double[] Integrate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, IReadOnlyList<double> limits)
    {
        var t = new LimitedTrapezoid(limits);
        for (int i = 0; i < x.Length; i++) t.Add(x[i], y[i]);
        return t.NormalizedAreas();
    }
}
