using Inspecta.Torch.Training;

namespace Inspecta.Torch.Methods.CutPaste;

/// <summary>
/// CutPaste's two self-supervised augmentations (Li et al. 2021, Sec. 3.1), on a 3×S×S RGB image in [0, 1]:
/// <list type="bullet">
/// <item><b>CutPaste</b>: a rectangle of 2–15 % of the image area with aspect ratio in [0.3, 1/0.3] (log-uniform) is cut
/// at a random place, colour-jittered and pasted at another random place.</item>
/// <item><b>Scar</b>: a thin rectangle (width 2–16, length 10–25 pixels at 256², scaled with the image), colour-jittered,
/// rotated by up to ±45° and pasted at a random place.</item>
/// </list>
/// The jitter (our stand-in for torchvision's ColorJitter(0.1, 0.1, 0.1, 0.1)): brightness and contrast ±10 % per patch and
/// a gain of ±10 % per channel, clamped to [0, 1]. Each sample's draws are seeded by the fit's seed, the kind and a hash of
/// the image's own pixels, so the augmentation is a pure function of the batch: the same for a resumed fit, whatever the
/// thread count.
/// </summary>
internal sealed class CutPasteAugmentation(ulong seed)
{
    public const double MinArea = 0.02, MaxArea = 0.15, MinAspect = 0.3, MaxRotationDegrees = 45, Jitter = 0.1;

    /// <summary>The classes of the 3-way task.</summary>
    public const int Normal = 0, CutPaste = 1, Scar = 2, Classes = 3;

    /// <summary>Writes the augmented image (<paramref name="kind"/>: <see cref="CutPaste"/> or <see cref="Scar"/>) into <paramref name="dst"/>.</summary>
    public void Apply(ReadOnlySpan<float> image, int size, int kind, Span<float> dst)
    {
        image.CopyTo(dst);
        if (kind == Normal) return;
        var rng = TrainingRandom.For(seed, PixelHash.Of(image), (ulong)kind);
        double scale = size / 256.0;
        double w, h, angle;
        if (kind == CutPaste)
        {
            double area = rng.Uniform(MinArea, MaxArea) * size * size;
            double aspect = Math.Exp(rng.Uniform(Math.Log(MinAspect), -Math.Log(MinAspect)));
            (w, h, angle) = (Math.Sqrt(area * aspect), Math.Sqrt(area / aspect), 0);
        }
        else
        {
            (w, h) = (rng.Uniform(2, 16) * scale, rng.Uniform(10, 25) * scale);
            angle = rng.Uniform(-MaxRotationDegrees, MaxRotationDegrees) * Math.PI / 180;
        }
        int pw = Math.Clamp((int)Math.Round(w), 1, size - 1), ph = Math.Clamp((int)Math.Round(h), 1, size - 1);
        // Source rectangle (axis-aligned, inside the image) and the centre it is pasted at (its rotated box inside the image).
        int sx = rng.Next(size - pw + 1), sy = rng.Next(size - ph + 1);
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        double halfW = (Math.Abs(cos) * pw + Math.Abs(sin) * ph) / 2, halfH = (Math.Abs(sin) * pw + Math.Abs(cos) * ph) / 2;
        double tx = halfW + rng.NextDouble() * Math.Max(0, size - 2 * halfW), ty = halfH + rng.NextDouble() * Math.Max(0, size - 2 * halfH);
        double brightness = rng.Uniform(-Jitter, Jitter), contrast = 1 + rng.Uniform(-Jitter, Jitter);
        Span<double> gain = [1 + rng.Uniform(-Jitter, Jitter), 1 + rng.Uniform(-Jitter, Jitter), 1 + rng.Uniform(-Jitter, Jitter)];

        int plane = size * size;
        double mean = 0;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < ph; y++)
                for (int x = 0; x < pw; x++) mean += image[c * plane + (sy + y) * size + sx + x];
        mean /= 3.0 * pw * ph;

        int x0 = Math.Max(0, (int)Math.Floor(tx - halfW)), x1 = Math.Min(size - 1, (int)Math.Ceiling(tx + halfW));
        int y0 = Math.Max(0, (int)Math.Floor(ty - halfH)), y1 = Math.Min(size - 1, (int)Math.Ceiling(ty + halfH));
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                // Inverse rotation of the pixel centre into the patch's frame (origin at its centre), nearest source pixel.
                double dx = x + 0.5 - tx, dy = y + 0.5 - ty;
                double u = cos * dx + sin * dy + pw / 2.0, v = -sin * dx + cos * dy + ph / 2.0;
                if (u < 0 || v < 0 || u >= pw || v >= ph) continue;
                int src = (sy + (int)v) * size + sx + (int)u, at = y * size + x;
                for (int c = 0; c < 3; c++)
                {
                    double value = ((image[c * plane + src] - mean) * contrast + mean + brightness) * gain[c];
                    dst[c * plane + at] = (float)Math.Clamp(value, 0, 1);
                }
            }
    }
}
