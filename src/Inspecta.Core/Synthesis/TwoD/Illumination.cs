namespace Inspecta.Synthesis.TwoD;

/// <summary>Per-sample lighting: overall gain plus a linear gradient across the image (uneven lighting).</summary>
public sealed record Illumination(float Gain, float GradientX, float GradientY)
{
    public static Illumination Random(SynthRandom rng, float strength) =>
        new(1f + rng.Range(-0.12f, 0.12f) * strength, rng.Range(-0.18f, 0.18f) * strength, rng.Range(-0.18f, 0.18f) * strength);

    public float Factor(float u, float v) => Gain + GradientX * (u - 0.5f) + GradientY * (v - 0.5f);
}
