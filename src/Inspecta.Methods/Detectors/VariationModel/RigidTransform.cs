namespace Inspecta.Detectors.VariationModel;

/// <summary>
/// A rotation about the image centre followed by a translation, mapping a point p of an image onto
/// the reference frame: q = R(angle)·(p − c) + c + (Dx, Dy). Pixel coordinates, y down; a positive
/// angle turns x towards y.
/// </summary>
public readonly record struct RigidTransform(double Angle, double Dx, double Dy, double CenterX, double CenterY)
{
    public static RigidTransform Identity(int height, int width) => new(0, 0, 0, (width - 1) / 2.0, (height - 1) / 2.0);

    public (double X, double Y) Apply(double x, double y)
    {
        double cos = Math.Cos(Angle), sin = Math.Sin(Angle);
        double ux = x - CenterX, uy = y - CenterY;
        return (cos * ux - sin * uy + CenterX + Dx, sin * ux + cos * uy + CenterY + Dy);
    }

    public (double X, double Y) Invert(double x, double y)
    {
        double cos = Math.Cos(Angle), sin = Math.Sin(Angle);
        double ux = x - CenterX - Dx, uy = y - CenterY - Dy;
        return (cos * ux + sin * uy + CenterX, -sin * ux + cos * uy + CenterY);
    }

    /// <summary>Where pixel (0, y) lands and how the image position moves per +1 in x, for row-wise stepping.</summary>
    public (double X, double Y, double StepX, double StepY) RowStart(double y)
    {
        var (x0, y0) = Apply(0, y);
        return (x0, y0, Math.Cos(Angle), Math.Sin(Angle));
    }

    /// <summary>Like <see cref="RowStart"/> for the inverse mapping.</summary>
    public (double X, double Y, double StepX, double StepY) InverseRowStart(double y)
    {
        var (x0, y0) = Invert(0, y);
        return (x0, y0, Math.Cos(Angle), -Math.Sin(Angle));
    }

    public override string ToString() => $"rotate {Angle * 180 / Math.PI:F2}°, shift ({Dx:F2}, {Dy:F2})";
}
