using System.Numerics.Tensors;
using Inspecta.Datasets;
using Inspecta.Imaging;
using Inspecta.Persistence;

namespace Inspecta.Detectors.VariationModel;

/// <summary>
/// Variation model (Steger et al.; the MVTec AD baseline): per-pixel mean μ and standard deviation σ
/// over the good training images, score |x − μ| / max(σ, σ_min) per channel, fused by max or mean.
/// With alignment every image is registered to the first training image; the model is then sampled
/// at the transformed position of each input pixel, so maps stay in input coordinates and pixels that
/// fall outside the trained area score 0.
/// </summary>
public sealed class VariationModelDetector : IAnomalyDetector
{
    public const string MethodId = "variation";
    public const float DefaultSigmaMin = 0.02f;
    public const int AlignmentWorkSize = 256;

    private readonly float _sigmaMin;
    private readonly ChannelFusion _fusion;
    private readonly AlignmentMode _alignment;
    private readonly bool _illumination;
    private readonly int? _imageSize;

    private int _channels, _height, _width, _trainCount;
    private float[]? _mean;       // C × H × W
    private float[]? _invSigma;   // C × H × W, 1 / max(σ, σ_min)
    private PhaseCorrelationAligner? _aligner;

    public string Method => MethodId;
    public float SigmaMin => _sigmaMin;
    public ChannelFusion Fusion => _fusion;
    public AlignmentMode Alignment => _alignment;
    /// <summary>Whether each image's lighting (gain + linear gradient) is fitted and divided out before comparing.</summary>
    public bool CompensatesIllumination => _illumination;
    public bool IsFitted => _mean is not null;

    public VariationModelDetector(VariationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        Options = options;
        _sigmaMin = options.SigmaMin;
        _fusion = ChannelFusions.Parse(options.ChannelFusion);
        _alignment = AlignmentModes.Parse(options.Alignment);
        _imageSize = options.ImageSize;
        _illumination = options.Illumination == "plane";
    }

    public VariationOptions Options { get; }

    public void Dispose() { }

    /// <summary>With --image-size every image is resized (anti-aliased) to a square working size; otherwise used as is.</summary>
    private ImageF Load(Sample sample)
    {
        var image = sample.LoadImage();
        return _imageSize is int s && (image.Height != s || image.Width != s) ? Resize.Bilinear(image, s, s, antialias: true) : image;
    }

    public void Fit(FitContext context)
    {
        var (good, progress, ct) = (context.Train, context.Progress, context.Cancellation);
        SampleImages.RequireAtLeast(good, 2, MethodId);
        var first = Load(good[0]);
        int c = first.Channels, h = first.Height, w = first.Width, plane = h * w;
        var sum = new double[c * plane];
        var sumSq = new double[c * plane];
        var count = new int[plane];
        var aligner = _alignment == AlignmentMode.None ? null : PhaseCorrelationAligner.FromReference(_alignment, first, AlignmentWorkSize);
        var transforms = new RigidTransform[good.Count];
        for (int i = 0; i < good.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var image = i == 0 ? first : Load(good[i]);
            SampleImages.RequireShape(image, good[i], c, h, w, $"the first training image ({SampleImages.Describe(good[0])}) is");
            transforms[i] = aligner is null || i == 0 ? RigidTransform.Identity(h, w) : aligner.Estimate(image);
            var (warped, valid) = ToReference(image, aligner is null ? null : transforms[i]);
            Accumulate(warped, valid, sum, sumSq, count);
            progress?.Report(new ProgressUpdate("statistics", i + 1, good.Count));
        }
        if (_illumination)
        {
            // Second pass: bring every image to the lighting of the first-pass mean, then re-estimate μ and σ.
            var firstMean = new float[c * plane];
            for (int i = 0; i < firstMean.Length; i++) { int n = count[i % plane]; firstMean[i] = n > 0 ? (float)(sum[i] / n) : 0; }
            Array.Clear(sum); Array.Clear(sumSq); Array.Clear(count);
            for (int i = 0; i < good.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var (warped, valid) = ToReference(Load(good[i]), aligner is null ? null : transforms[i]);
                if (aligner is null) warped = warped.Clone(); // in-memory samples must not be relit in place
                var light = FitIllumination(warped, valid, firstMean);
                Relight(warped, light);
                Accumulate(warped, valid, sum, sumSq, count);
                progress?.Report(new ProgressUpdate("illumination", i + 1, good.Count));
            }
        }

        var mean = new float[c * plane];
        var invSigma = new float[c * plane];
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < plane; p++)
            {
                int i = ch * plane + p;
                int n = count[p];
                if (n < 2) { invSigma[i] = 0; continue; } // fewer than 2 aligned images overlapped: scores 0
                double mu = sum[i] / n;
                double variance = Math.Max(0, (sumSq[i] - sum[i] * mu) / (n - 1));
                mean[i] = (float)mu;
                invSigma[i] = 1f / Math.Max((float)Math.Sqrt(variance), _sigmaMin);
            }
        _channels = c; _height = h; _width = w; _trainCount = good.Count;
        _mean = mean; _invSigma = invSigma; _aligner = aligner;
    }

    /// <summary>
    /// The image in the reference frame (bilinear warp by the inverse transform) and which reference
    /// pixels it covers; without alignment the image itself, covering everything.
    /// </summary>
    private static (ImageF Image, bool[]? Valid) ToReference(ImageF image, RigidTransform? toReference)
    {
        if (toReference is not { } t) return (image, null);
        int c = image.Channels, h = image.Height, w = image.Width, plane = h * w;
        var warped = new ImageF(c, h, w);
        var valid = new bool[plane];
        Parallel.For(0, h, qy =>
        {
            var (rx, ry, sx, sy) = t.InverseRowStart(qy);
            for (int qx = 0; qx < w; qx++)
            {
                double px = rx + qx * sx, py = ry + qx * sy;
                if (!BilinearWeights(px, py, h, w, out int i00, out float fx, out float fy)) continue;
                int p = qy * w + qx;
                valid[p] = true;
                for (int ch = 0; ch < c; ch++) warped.Data[ch * plane + p] = Sample(image.Data, ch * plane + i00, w, fx, fy);
            }
        });
        return (warped, valid);
    }

    private static void Accumulate(ImageF image, bool[]? valid, double[] sum, double[] sumSq, int[] count)
    {
        int plane = image.PlaneSize;
        var data = image.Data;
        for (int p = 0; p < plane; p++)
        {
            if (valid is not null && !valid[p]) continue;
            count[p]++;
            for (int i = p; i < data.Length; i += plane)
            {
                double v = data[i];
                sum[i] += v; sumSq[i] += v * v;
            }
        }
    }

    /// <summary>Least-squares lighting plane of an image against a mean image of the same frame (every 2nd pixel).</summary>
    private static IlluminationPlane FitIllumination(ImageF image, bool[]? valid, float[] mean)
    {
        int h = image.Height, w = image.Width, plane = h * w;
        var acc = new IlluminationPlane.Accumulator();
        for (int y = 0; y < h; y += 2)
            for (int x = 0; x < w; x += 2)
            {
                int p = y * w + x;
                if (valid is not null && !valid[p]) continue;
                for (int i = p; i < image.Data.Length; i += plane)
                    acc.Add(image.Data[i], mean[i], x / Math.Max(1.0, w - 1), y / Math.Max(1.0, h - 1));
            }
        return acc.Solve();
    }

    /// <summary>Divides every pixel by the lighting factor, in place.</summary>
    private static void Relight(ImageF image, IlluminationPlane light)
    {
        int h = image.Height, w = image.Width, plane = h * w;
        Parallel.For(0, h, y =>
        {
            double v = y / Math.Max(1.0, h - 1);
            for (int x = 0; x < w; x++)
            {
                float inv = 1f / light.Factor(x / Math.Max(1.0, w - 1), v);
                for (int i = y * w + x; i < image.Data.Length; i += plane) image.Data[i] *= inv;
            }
        });
    }

    public Prediction Predict(Sample sample)
    {
        if (_mean is null || _invSigma is null) throw new InvalidOperationException("The variation model is not fitted.");
        var original = sample.LoadImage();
        var image = _imageSize is int s && (original.Height != s || original.Width != s) ? Resize.Bilinear(original, s, s, antialias: true) : original;
        SampleImages.RequireShape(image, sample, _channels, _height, _width, "the model was fitted on");
        var map = new AnomalyMap(_height, _width);
        if (_aligner is null)
        {
            if (_illumination)
            {
                image = image.Clone();
                Relight(image, FitIllumination(image, null, _mean));
            }
            ScoreAligned(image, map.Data);
        }
        else ScoreTransformed(image, _aligner.Estimate(image), map.Data);
        if (map.Height != original.Height || map.Width != original.Width) map = Resize.Bilinear(map, original.Height, original.Width);
        return new Prediction(map.Max(), map);
    }

    /// <summary>Pixel-for-pixel comparison, vectorised per channel over row blocks.</summary>
    private void ScoreAligned(ImageF image, float[] map)
    {
        int plane = _height * _width, c = _channels;
        const int Block = 16384;
        int blocks = (plane + Block - 1) / Block;
        float fusionScale = _fusion == ChannelFusion.Mean ? 1f / c : 1f;
        Parallel.For(0, blocks, () => new float[Block], (b, _, tmp) =>
        {
            int start = b * Block, len = Math.Min(Block, plane - start);
            var outSpan = map.AsSpan(start, len);
            var t = tmp.AsSpan(0, len);
            for (int ch = 0; ch < c; ch++)
            {
                int o = ch * plane + start;
                var target = ch == 0 ? outSpan : t;
                TensorPrimitives.Subtract(image.Data.AsSpan(o, len), _mean!.AsSpan(o, len), target);
                TensorPrimitives.Abs(target, target);
                TensorPrimitives.Multiply(target, _invSigma!.AsSpan(o, len), target);
                if (ch == 0) continue;
                if (_fusion == ChannelFusion.Max) TensorPrimitives.Max(outSpan, t, outSpan);
                else TensorPrimitives.Add(outSpan, t, outSpan);
            }
            if (fusionScale != 1f) TensorPrimitives.Multiply(outSpan, fusionScale, outSpan);
            return tmp;
        }, _ => { });
    }

    /// <summary>Samples μ and σ at each input pixel's position in the reference frame; no overlap scores 0.</summary>
    private void ScoreTransformed(ImageF image, RigidTransform toReference, float[] map)
    {
        int h = _height, w = _width, plane = h * w, c = _channels;
        var light = _illumination ? FitIlluminationTransformed(image, toReference) : IlluminationPlane.Identity;
        Parallel.For(0, h, y =>
        {
            var (rx, ry, sx, sy) = toReference.RowStart(y);
            double v = y / Math.Max(1.0, h - 1);
            for (int x = 0; x < w; x++)
            {
                double qx = rx + x * sx, qy = ry + x * sy;
                float score = 0;
                // Untrained pixels have 1/σ = 0, so they (and the blend towards them) score 0 without a mask test.
                if (BilinearWeights(qx, qy, h, w, out int i00, out float fx, out float fy))
                {
                    float relight = _illumination ? 1f / light.Factor(x / Math.Max(1.0, w - 1), v) : 1f;
                    for (int ch = 0; ch < c; ch++)
                    {
                        float mu = Sample(_mean!, ch * plane + i00, w, fx, fy);
                        float inv = Sample(_invSigma!, ch * plane + i00, w, fx, fy);
                        float d = MathF.Abs(image.Data[ch * plane + y * w + x] * relight - mu) * inv;
                        score = _fusion == ChannelFusion.Max ? MathF.Max(score, d) : score + d;
                    }
                    if (_fusion == ChannelFusion.Mean) score /= c;
                }
                map[y * w + x] = score;
            }
        });
    }

    /// <summary>Lighting plane of an unwarped image against μ sampled at the transformed positions (every 2nd pixel).</summary>
    private IlluminationPlane FitIlluminationTransformed(ImageF image, RigidTransform toReference)
    {
        int h = _height, w = _width, plane = h * w;
        var acc = new IlluminationPlane.Accumulator();
        for (int y = 0; y < h; y += 2)
            for (int x = 0; x < w; x += 2)
            {
                var (qx, qy) = toReference.Apply(x, y);
                if (!BilinearWeights(qx, qy, h, w, out int i00, out float fx, out float fy)) continue;
                if (Sample(_invSigma!, i00, w, fx, fy) == 0) continue; // untrained reference pixel
                for (int ch = 0; ch < _channels; ch++)
                    acc.Add(image.Data[ch * plane + y * w + x], Sample(_mean!, ch * plane + i00, w, fx, fy), x / Math.Max(1.0, w - 1), y / Math.Max(1.0, h - 1));
            }
        return acc.Solve();
    }

    /// <summary>Top-left index and fractions for bilinear sampling at (x, y); false outside the image.</summary>
    private static bool BilinearWeights(double x, double y, int h, int w, out int i00, out float fx, out float fy)
    {
        i00 = 0; fx = fy = 0;
        if (x < 0 || y < 0 || x > w - 1 || y > h - 1) return false;
        int x0 = Math.Min((int)x, w - 2), y0 = Math.Min((int)y, h - 2);
        fx = (float)(x - x0); fy = (float)(y - y0);
        i00 = y0 * w + x0;
        return true;
    }

    private static float Sample(float[] data, int i00, int w, float fx, float fy)
    {
        float top = data[i00] + fx * (data[i00 + 1] - data[i00]);
        float bottom = data[i00 + w] + fx * (data[i00 + w + 1] - data[i00 + w]);
        return top + fy * (bottom - top);
    }

    public void Save(ModelWriter writer)
    {
        if (_mean is null || _invSigma is null) throw new InvalidOperationException("Fit the variation model before saving it.");
        var p = writer.Parameters;
        Options.Schema().WriteTo(Options, p);
        p["channels"] = _channels;
        p["height"] = _height;
        p["width"] = _width;
        p["train_images"] = _trainCount;
        writer.AddArray("mean", _mean, _channels, _height, _width);
        writer.AddArray("inv_sigma", _invSigma, _channels, _height, _width);
        if (_aligner is not null)
        {
            p["alignment_work_size"] = _aligner.WorkSize;
            writer.AddArray("reference_edges", _aligner.ReferenceEdges, _aligner.WorkSize, _aligner.WorkSize);
        }
    }

    internal static VariationModelDetector Load(ModelReader reader, VariationOptions options)
    {
        var detector = new VariationModelDetector(options);
        int c = reader.Int("channels"), h = reader.Int("height"), w = reader.Int("width");
        detector._channels = c; detector._height = h; detector._width = w;
        detector._trainCount = reader.Int("train_images");
        detector._mean = ReadExact(reader, "mean", c * h * w);
        detector._invSigma = ReadExact(reader, "inv_sigma", c * h * w);
        if (detector._alignment != AlignmentMode.None)
        {
            int n = reader.Int("alignment_work_size");
            detector._aligner = new PhaseCorrelationAligner(detector._alignment, h, w, ReadExact(reader, "reference_edges", n * n), n);
        }
        return detector;
    }

    private static float[] ReadExact(ModelReader reader, string name, int length)
    {
        var data = reader.ReadFloats(name);
        if (data.Length != length) throw reader.Error($"array '{name}' has {data.Length} values, expected {length}.");
        return data;
    }
}
