namespace Inspecta.Reporting;

/// <summary>
/// A perceptual rainbow ("Turbo"-like) colour map as a 256-entry lookup table, computed from a
/// degree-5 polynomial per channel (the published polynomial approximation of Google's Turbo map):
/// dark blue for low scores through green and yellow to dark red for high scores, with monotone
/// lightness in each half so heat maps stay readable in grey print.
/// </summary>
public static class Colormap
{
    public const int Size = 256;

    /// <summary>Interleaved RGB entries in [0, 1]: <c>Lut[3*i + c]</c>.</summary>
    public static ReadOnlySpan<float> Lut => _lut;

    private static readonly float[] _lut = BuildTurbo();

    /// <summary>The colour of a normalised value <paramref name="t"/> (clamped to [0, 1]; NaN maps to 0).</summary>
    public static (float R, float G, float B) Turbo(float t)
    {
        int i = Index(t);
        return (_lut[3 * i], _lut[3 * i + 1], _lut[3 * i + 2]);
    }

    /// <summary>LUT index of a normalised value; clamps, and sends NaN to 0.</summary>
    internal static int Index(float t)
    {
        if (!(t > 0f)) return 0;           // also catches NaN
        if (t >= 1f) return Size - 1;
        return (int)(t * (Size - 1) + 0.5f);
    }

    private static float[] BuildTurbo()
    {
        // Coefficients c0..c5 of r(x), g(x), b(x) = Σ c_k x^k.
        ReadOnlySpan<double> r = [0.13572138, 4.61539260, -42.66032258, 132.13108234, -152.94239396, 59.28637943];
        ReadOnlySpan<double> g = [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604];
        ReadOnlySpan<double> b = [0.10667330, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973];
        var lut = new float[Size * 3];
        for (int i = 0; i < Size; i++)
        {
            double x = i / (double)(Size - 1);
            lut[3 * i] = (float)Math.Clamp(Poly(r, x), 0, 1);
            lut[3 * i + 1] = (float)Math.Clamp(Poly(g, x), 0, 1);
            lut[3 * i + 2] = (float)Math.Clamp(Poly(b, x), 0, 1);
        }
        return lut;
    }

    private static double Poly(ReadOnlySpan<double> c, double x)
    {
        double acc = 0;
        for (int k = c.Length - 1; k >= 0; k--) acc = acc * x + c[k];   // Horner
        return acc;
    }
}
