using BenchmarkDotNet.Attributes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.TextureGmm;
using Inspecta.Detectors.VariationModel;
using Inspecta.Imaging;

namespace Inspecta.Benchmarks;

/// <summary>
/// Predict time of the classical baselines on 900×900 colour images (the MVTec AD bottle size).
/// Images are in memory, so decoding is not measured. Targets: variation &lt; 20 ms, texture-gmm &lt; 500 ms. The texture model is fitted on the
/// same smooth "part" images; its predict cost depends on the number of mixture components BIC picks
/// per level, which <see cref="SetupTexture"/> leaves to the data;
/// the 8-component variant is the worst case of the default candidates.
/// </summary>
[SimpleJob(warmupCount: 2, iterationCount: 10)]
[MemoryDiagnoser]
public class ClassicalBenchmarks
{
    private const int Size = 900;
    private VariationModelDetector _variation = null!;
    private VariationModelDetector _variationRigid = null!;
    private Sample _test = null!;
    private PhaseCorrelationAligner _aligner = null!;
    private TextureGmmDetector _texture = null!;
    private TextureGmmDetector _texture8 = null!;
    private TextureGmmDetector _textureChroma = null!;

    // One setup per target: BenchmarkDotNet runs every case in its own process, so each fits only what it measures.
    [GlobalSetup(Targets = [nameof(Variation), nameof(VariationRigid), nameof(AlignmentEstimate)])]
    public void SetupVariation()
    {
        var train = Train(8);
        _variation = new VariationModelDetector(new VariationOptions());
        _variation.Fit(train);
        _variationRigid = new VariationModelDetector(new VariationOptions { Alignment = "rigid" });
        _variationRigid.Fit(train);
        _aligner = PhaseCorrelationAligner.FromReference(AlignmentMode.Rigid, train[0].Image!, VariationModelDetector.AlignmentWorkSize);
        _test = Good(Part(100), 100);
    }

    /// <summary>Default texture-gmm configuration (400² working size, 4 levels, 7×7 patches, BIC over {1, 2, 4, 8}).</summary>
    [GlobalSetup(Target = nameof(TextureGmm))]
    public void SetupTexture()
    {
        _texture = new TextureGmmDetector(new TextureGmmOptions());
        _texture.Fit(Train(6));
        _test = Good(Part(100), 100);
    }

    [GlobalSetup(Target = nameof(TextureGmm8))]
    public void SetupTexture8()
    {
        _texture8 = new TextureGmmDetector(new TextureGmmOptions { GmmComponents = [8] });
        _texture8.Fit(Train(6));
        _test = Good(Part(100), 100);
    }

    [GlobalSetup(Target = nameof(TextureGmmChroma))]
    public void SetupTextureChroma()
    {
        _textureChroma = new TextureGmmDetector(new TextureGmmOptions { Chroma = true });
        _textureChroma.Fit(Train(6));
        _test = Good(Part(100), 100);
    }

    private static List<Sample> Train(int count) => Enumerable.Range(0, count).Select(i => Good(Part(i), i)).ToList();

    [Benchmark(Description = "variation predict 900x900x3")]
    public float Variation() => _variation.Predict(_test).Score;

    [Benchmark(Description = "variation predict 900x900x3, rigid alignment")]
    public float VariationRigid() => _variationRigid.Predict(_test).Score;

    [Benchmark(Description = "texture-gmm predict 900x900x3 (default config)")]
    public float TextureGmm() => _texture.Predict(_test).Score;

    [Benchmark(Description = "texture-gmm predict 900x900x3, 8 components on every level")]
    public float TextureGmm8() => _texture8.Predict(_test).Score;

    [Benchmark(Description = "texture-gmm --chroma predict 900x900x3 (default config plus chromaticity)")]
    public float TextureGmmChroma() => _textureChroma.Predict(_test).Score;

    [Benchmark(Description = "rigid alignment estimate only (256² working grid)")]
    public double AlignmentEstimate() => _aligner.Estimate(_test.Image!).Angle;

    /// <summary>A fixed smooth pattern (the "part") plus per-image sensor noise.</summary>
    internal static ImageF Part(int seed)
    {
        var rng = new Random(seed);
        var image = new ImageF(3, Size, Size);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < Size; y++)
                for (int x = 0; x < Size; x++)
                {
                    double r = Math.Sqrt((x - 450.0) * (x - 450.0) + (y - 450.0) * (y - 450.0));
                    float v = r < 350 ? (float)(0.5 + 0.3 * Math.Sin(x * 0.05 + c) * Math.Cos(y * 0.03)) : 0.1f;
                    image[c, y, x] = v + 0.01f * (rng.NextSingle() - 0.5f);
                }
        return image;
    }

    internal static Sample Good(ImageF image, int id) =>
        new($"{id:D3}", "", Split.Train, Sample.GoodLabel) { Image = image };
}
