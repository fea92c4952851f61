namespace Inspecta.Evaluation;

/// <summary>
/// Streaming form of the official MVTec <c>trapezoid(x, y, x_max)</c> for several limits at once: points arrive in
/// non-decreasing x; the area of every segment with both ends at x ≤ limit is summed, and the segment crossing the
/// limit adds the part up to the limit with y linearly interpolated there. Holding no curve lets one sweep over
/// tens of millions of thresholds integrate all limits in O(1) memory.
/// </summary>
internal sealed class LimitedTrapezoid
{
    private readonly double[] _limits;
    private readonly double[] _area;
    private readonly bool[] _closed;
    private double _prevX, _prevY;
    private bool _started;

    public LimitedTrapezoid(IReadOnlyList<double> limits)
    {
        _limits = [.. limits];
        _area = new double[_limits.Length];
        _closed = new bool[_limits.Length];
    }

    public void Add(double x, double y)
    {
        if (!_started) { _prevX = x; _prevY = y; _started = true; return; }
        for (int k = 0; k < _limits.Length; k++)
        {
            if (_closed[k]) continue;
            double limit = _limits[k];
            if (x <= limit) _area[k] += 0.5 * (y + _prevY) * (x - _prevX);
            else
            {
                // First point beyond the limit: the official code's correction term (zero when a point sits exactly on it).
                double yAtLimit = _prevY + (y - _prevY) * (limit - _prevX) / (x - _prevX);
                _area[k] += 0.5 * (yAtLimit + _prevY) * (limit - _prevX);
                _closed[k] = true;
            }
        }
        _prevX = x; _prevY = y;
    }

    /// <summary>Area up to each limit divided by the limit (the normalised AU-PRO), in the order of the limits given.</summary>
    public double[] NormalizedAreas()
    {
        var result = new double[_limits.Length];
        for (int k = 0; k < _limits.Length; k++) result[k] = _area[k] / _limits[k];
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
