namespace Inspecta.Synthesis.TwoD;

/// <summary>A linear RGB colour with components in [0, 1].</summary>
public readonly record struct Rgb(float R, float G, float B)
{
    public static Rgb Gray(float v) => new(v, v, v);
    public Rgb Scale(float k) => new(R * k, G * k, B * k);
    public static Rgb Lerp(Rgb a, Rgb b, float t) => new(a.R + (b.R - a.R) * t, a.G + (b.G - a.G) * t, a.B + (b.B - a.B) * t);
    public float this[int channel] => channel switch { 0 => R, 1 => G, _ => B };
}
