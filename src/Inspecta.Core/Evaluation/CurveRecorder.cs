namespace Inspecta.Evaluation;

/// <summary>
/// Collects a monotone curve while thinning it for plotting: a point is kept when it moved at least
/// <see cref="Resolution"/> in x or y since the last kept one (at most ~2/resolution points), plus the last point.
/// The metrics never use the thinned curve; they integrate the exact one.
/// </summary>
internal sealed class CurveRecorder(string name, string xLabel, string yLabel)
{
    public const double Resolution = 1e-4;

    private readonly List<double> _x = [], _y = [], _t = [];
    private double _pendingX, _pendingY, _pendingT;
    private bool _pending;

    public void Add(double x, double y, double threshold)
    {
        int n = _x.Count;
        if (n == 0 || Math.Abs(x - _x[n - 1]) >= Resolution || Math.Abs(y - _y[n - 1]) >= Resolution)
        {
            _x.Add(x); _y.Add(y); _t.Add(threshold);
            _pending = false;
        }
        else
        {
            (_pendingX, _pendingY, _pendingT, _pending) = (x, y, threshold, true);
        }
    }

    public Curve ToCurve()
    {
        if (_pending) { _x.Add(_pendingX); _y.Add(_pendingY); _t.Add(_pendingT); _pending = false; }
        return new Curve(name, xLabel, yLabel, [.. _x], [.. _y], [.. _t]);
    }
}
