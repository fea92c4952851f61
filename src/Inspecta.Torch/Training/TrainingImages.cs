using Inspecta.Datasets;
using Inspecta.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Training;

/// <summary>
/// The good images of one fit, decoded once into memory at the working resolution, and the batches drawn from them:
/// random crops (or whole images) of <see cref="SampleSize"/>, augmented. Every drawn sample is a pure function of
/// (seed, epoch, index), so a fit is reproducible and a resumed fit draws what the uninterrupted one would have.
/// </summary>
public sealed class TrainingImages
{
    private readonly ImageF[] _images;
    private readonly Augmentation _augmentation;
    private readonly ulong _seed;

    public int Count => _images.Length;
    public int Channels { get; }
    public int SampleSize { get; }
    /// <summary>The decoded images (for methods that derive further training sets from them, e.g. padded per scale).</summary>
    public IReadOnlyList<ImageF> Images => _images;

    public TrainingImages(IReadOnlyList<ImageF> images, int sampleSize, Augmentation augmentation, ulong seed)
    {
        if (images.Count == 0) throw new ArgumentException("No images.", nameof(images));
        _images = [.. images];
        Channels = _images[0].Channels;
        SampleSize = sampleSize;
        _augmentation = augmentation;
        _seed = seed;
        foreach (var img in _images)
            if (img.Width < sampleSize || img.Height < sampleSize)
                throw new ArgumentException($"Image {img.Width}×{img.Height} is smaller than the {sampleSize}×{sampleSize} sample.", nameof(images));
    }

    /// <summary>Mean intensity per channel over all images.</summary>
    public float[] ChannelMeans()
    {
        var means = new float[Channels];
        foreach (var img in _images)
            for (int c = 0; c < Channels; c++)
                means[c] += System.Numerics.Tensors.TensorPrimitives.Sum<float>(img.Plane(c)) / img.PlaneSize / _images.Length;
        return means;
    }

    /// <summary>Decodes samples through <paramref name="preprocess"/> (resize, grayscale) in parallel, keeping order; a
    /// working image smaller than the sample is a user error naming the file.</summary>
    public static List<ImageF> Load(IReadOnlyList<Sample> samples, Func<ImageF, ImageF> preprocess, int sampleSize, string method, CancellationToken ct)
    {
        var images = new ImageF[samples.Count];
        try
        {
            Parallel.For(0, samples.Count, new ParallelOptions { CancellationToken = ct }, i =>
            {
                var img = preprocess(samples[i].LoadImage());
                if (img.Width < sampleSize || img.Height < sampleSize)
                    throw InspectaUserException.ForFile(samples[i].Path is { Length: > 0 } p ? p : samples[i].ToString(),
                        $"{method}: the image is {img.Width}×{img.Height} after preprocessing, smaller than the {sampleSize}×{sampleSize} training crop; use a smaller --crop-size or larger images.");
                images[i] = img;
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is InspectaUserException) is { } user)
        {
            // A user error from a worker (unreadable file, too small) surfaces as itself, not wrapped.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(user);
            throw;
        }
        return [.. images];
    }

    /// <summary>Batch <paramref name="batch"/> of an epoch of <paramref name="samplesPerEpoch"/> draws: N × C × S × S.</summary>
    public Tensor Batch(int epoch, int batch, int batchSize, int samplesPerEpoch)
    {
        int start = batch * batchSize, n = Math.Min(batchSize, samplesPerEpoch - start);
        int plane = SampleSize * SampleSize, stride = Channels * plane;
        var data = new float[n * stride];
        Parallel.For(0, n, i =>
        {
            var rng = TrainingRandom.For(_seed, (ulong)epoch, (ulong)(start + i));
            Draw(_images[rng.Next(_images.Length)], ref rng, data.AsSpan(i * stride, stride));
        });
        return tensor(data, [n, Channels, SampleSize, SampleSize]);
    }

    /// <summary>Images <paramref name="first"/>.. centre-cropped to the sample size, unaugmented: the validation batches.</summary>
    public Tensor Fixed(int first, int count)
    {
        int plane = SampleSize * SampleSize, stride = Channels * plane;
        var data = new float[count * stride];
        for (int i = 0; i < count; i++)
        {
            var img = _images[first + i];
            int x0 = (img.Width - SampleSize) / 2, y0 = (img.Height - SampleSize) / 2;
            for (int c = 0; c < Channels; c++)
                for (int y = 0; y < SampleSize; y++)
                    img.Row(c, y0 + y).Slice(x0, SampleSize).CopyTo(data.AsSpan(i * stride + c * plane + y * SampleSize, SampleSize));
        }
        return tensor(data, [count, Channels, SampleSize, SampleSize]);
    }

    /// <summary>One augmented sample by inverse mapping with bilinear interpolation (mirrored at the borders).</summary>
    private void Draw(ImageF img, ref TrainingRandom rng, Span<float> dst)
    {
        var a = _augmentation;
        int s = SampleSize, w = img.Width, h = img.Height;
        // Centre of the sample in the image: anywhere a crop fits, or the image centre (+ translation) for whole images.
        double cx, cy;
        if (w == s && h == s)
        {
            cx = s / 2.0 + rng.Uniform(-a.MaxTranslation, a.MaxTranslation) * s;
            cy = s / 2.0 + rng.Uniform(-a.MaxTranslation, a.MaxTranslation) * s;
        }
        else
        {
            cx = rng.Next(w - s + 1) + s / 2.0;
            cy = rng.Next(h - s + 1) + s / 2.0;
        }
        double angle = a.MaxRotationDegrees > 0 ? rng.Uniform(-a.MaxRotationDegrees, a.MaxRotationDegrees) * Math.PI / 180 : 0;
        bool flipX = a.FlipHorizontal && rng.Coin(), flipY = a.FlipVertical && rng.Coin();
        double brightness = a.Brightness > 0 ? rng.Uniform(-a.Brightness, a.Brightness) : 0;
        double contrast = a.Contrast > 0 ? 1 + rng.Uniform(-a.Contrast, a.Contrast) : 1;
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        int plane = s * s;
        for (int c = 0; c < Channels; c++)
        {
            var src = img.Plane(c);
            var outPlane = dst.Slice(c * plane, plane);
            for (int v = 0; v < s; v++)
            {
                double dy = (flipY ? s - 1 - v : v) - (s - 1) / 2.0;
                for (int u = 0; u < s; u++)
                {
                    double dx = (flipX ? s - 1 - u : u) - (s - 1) / 2.0;
                    double x = cx - 0.5 + cos * dx - sin * dy, y = cy - 0.5 + sin * dx + cos * dy;
                    outPlane[v * s + u] = Bilinear(src, w, h, x, y); // exact at integer positions (plain crops)
                }
            }
        }
        if (brightness != 0 || contrast != 1)
        {
            float mean = 0;
            foreach (float f in dst) mean += f;
            mean /= dst.Length;
            for (int i = 0; i < dst.Length; i++) dst[i] = (float)((dst[i] - mean) * contrast + mean + brightness);
        }
    }

    private static float Bilinear(ReadOnlySpan<float> src, int w, int h, double x, double y)
    {
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        float fx = (float)(x - x0), fy = (float)(y - y0);
        int xa = Mirror(x0, w), xb = Mirror(x0 + 1, w), ya = Mirror(y0, h), yb = Mirror(y0 + 1, h);
        float top = src[ya * w + xa] + (src[ya * w + xb] - src[ya * w + xa]) * fx;
        float bottom = src[yb * w + xa] + (src[yb * w + xb] - src[yb * w + xa]) * fx;
        return top + (bottom - top) * fy;
    }

    private static int Mirror(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        i = ((i % period) + period) % period;
        return i < n ? i : period - i;
    }
}
