using Inspecta.Imaging;
using Inspecta.Synthesis;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Methods.Draem;

/// <summary>
/// DRAEM's simulated anomalies (Zavrtanik et al. 2021, Sec. 3.3): with probability ½ an image stays as it is (mask
/// empty); otherwise a Perlin-noise map (lattice periods 2^k for k ∈ 0…5 drawn per axis, rotated by an angle in ±90°)
/// thresholded at 0.5 gives the mask M, and an augmented texture A (a random texture of <see cref="AnomalyTextures"/>,
/// turned by a multiple of 90°, maybe mirrored, its channels permuted, gamma 0.5–2, brightness ×0.8–1.2, inverted with
/// probability 0.2 — our stand-in for the paper's three random imgaug operations) is blended in:
/// I′ = (1 − M)·I + (1 − β)·M·A + β·M·I with β uniform in [0, 0.8].
/// Each sample's draws are seeded by the fit's seed and a hash of the sample's own pixels, so a batch's anomalies are a
/// pure function of the batch: the same for a resumed fit, independent of threads.
/// </summary>
internal sealed class AnomalySynthesizer(ImageF[] textures, ulong seed)
{
    public const double Threshold = 0.5;

    /// <summary>Fills <paramref name="augmented"/> (3×S×S) and <paramref name="mask"/> (S×S, 0/1) from the clean <paramref name="image"/>.</summary>
    public void Apply(ReadOnlySpan<float> image, int size, Span<float> augmented, Span<float> mask)
    {
        var rng = TrainingRandom.For(seed, PixelHash.Of(image));
        image.CopyTo(augmented);
        mask.Clear();
        if (rng.Coin()) return;
        int plane = size * size;
        int kx = 1 << rng.Next(6), ky = 1 << rng.Next(6);
        double angle = rng.Uniform(-Math.PI / 2, Math.PI / 2), cos = Math.Cos(angle), sin = Math.Sin(angle);
        float ox = (float)rng.Uniform(0, 256), oy = (float)rng.Uniform(0, 256);
        var noise = new GradientNoise(new SynthRandom(rng.NextULong()));
        double c = (size - 1) / 2.0;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double u = cos * (x - c) - sin * (y - c) + c, v = sin * (x - c) + cos * (y - c) + c;
                float n = noise.Sample((float)(u * kx / size) + ox, (float)(v * ky / size) + oy);
                mask[y * size + x] = n > Threshold ? 1f : 0f;
            }

        var texture = textures[rng.Next(textures.Length)];
        int turns = rng.Next(4);
        bool mirror = rng.Coin(), invert = rng.NextDouble() < 0.2;
        Span<int> channels = [0, 1, 2];
        rng.Shuffle(channels);
        double gamma = Math.Exp(rng.Uniform(Math.Log(0.5), Math.Log(2))), gain = rng.Uniform(0.8, 1.2);
        float beta = (float)rng.Uniform(0, 0.8);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int i = y * size + x;
                if (mask[i] == 0) continue;
                var (tx, ty) = Turn(mirror ? size - 1 - x : x, y, turns, size);
                for (int ch = 0; ch < 3; ch++)
                {
                    double a = texture[channels[ch], ty, tx];
                    a = Math.Clamp(Math.Pow(Math.Clamp(a, 0, 1), gamma) * gain, 0, 1);
                    if (invert) a = 1 - a;
                    int k = ch * plane + i;
                    augmented[k] = (1 - beta) * (float)a + beta * image[k];
                }
            }
    }

    private static (int X, int Y) Turn(int x, int y, int turns, int size) => turns switch
    {
        1 => (size - 1 - y, x),
        2 => (size - 1 - x, size - 1 - y),
        3 => (y, size - 1 - x),
        _ => (x, y),
    };
}
