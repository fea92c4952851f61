using Inspecta.Detectors.Options;
using Inspecta.Detectors.Registry;
using Inspecta.Detectors.PatchCore;
using Inspecta.Detectors.TextureGmm;
using Inspecta.Detectors.VariationModel;
using Inspecta.Features;

namespace Inspecta.Cli.Demo;

/// <summary>A method the demo fits, with the options it needs and why it was chosen.</summary>
public sealed record DemoMethod(string Method, MethodOptions Options, string Why)
{
    public MethodDescriptor Descriptor => MethodRegistry.Default.Get(Method);
}

/// <summary>
/// Which methods the demo runs. The preference lists are the single place to extend: a new method id
/// added here is fitted and evaluated as soon as it is registered in <see cref="MethodRegistry"/>.
/// </summary>
public static class DemoMethods
{
    public const string DefaultBackbone = BackbonePreset.DefaultName;

    /// <summary>Backbone-free 2D methods, best first (texture-gmm suits textures; the variation model aligned parts).</summary>
    private static readonly string[] BackboneFree2D = ["texture-gmm", "variation"];

    /// <summary>3D methods on the xyz scans, run when registered.</summary>
    public static readonly string[] ThreeD = ["btf-fpfh", "depth-vm"];

    /// <summary>The per-pixel baseline the demo always shows next to the main method.</summary>
    public const string Baseline = "variation";

    /// <summary>Deep 2D methods fitted next to the main one with the same backbone.</summary>
    private static readonly string[] ExtraDeep2D = ["padim"];

    /// <summary>
    /// Resolves the backbone (explicit path, else the built-in preset, derived into the model cache on first use);
    /// null with the reason when unavailable (the built-in one's package was never restored on this machine).
    /// </summary>
    public static (string? Path, string Note) ResolveBackbone(string? explicitPath)
    {
        try
        {
            var (path, name) = ModelCache.Resolve(explicitPath ?? DefaultBackbone);
            return (path, explicitPath is null ? $"built-in backbone {name} ({path})" : $"backbone {name} ({path})");
        }
        catch (InspectaUserException ex) when (explicitPath is null)
        {
            return (null, $"no CNN backbone: {ex.Message}");
        }
    }

    /// <summary>The other deep 2D methods (PaDiM), run when a backbone is available.</summary>
    public static IEnumerable<DemoMethod> Extra2D(string? backbonePath, int seed) =>
        backbonePath is null ? [] : ExtraDeep2D.Where(Has).Select(m => new DemoMethod(m,
            MethodRegistry.Default.Get(m).DefaultOptions() is BackboneOptions b ? b with { Seed = seed, Backbone = backbonePath } : throw new InvalidOperationException($"{m} has no backbone option."),
            "the other deep method, same backbone"));

    /// <summary>The main 2D method: PatchCore with a backbone, else the best backbone-free method registered.</summary>
    public static DemoMethod Main2D(string? backbonePath, string backboneNote, bool texture, int seed)
    {
        if (backbonePath is not null && Has("patchcore"))
            return new("patchcore", new PatchCoreOptions { Seed = seed, Backbone = backbonePath }, $"PatchCore, because a {backboneNote} is available");
        string fallback = (texture ? BackboneFree2D : BackboneFree2D.Reverse()).First(Has);
        string reason = backbonePath is null
            ? $"{backboneNote}, so PatchCore cannot run; using {fallback}, the best method that needs no backbone. " +
              "For PatchCore pass --backbone <file.onnx>"
            : "PatchCore is not part of this build";
        return new(fallback, Options(fallback, seed), reason);
    }

    public static DemoMethod? Baseline2D(DemoMethod main, int seed) =>
        main.Method == Baseline || !Has(Baseline) ? null : new(Baseline, Options(Baseline, seed), "per-pixel baseline: shows what pose and texture variation do to a pixel-wise model");

    public static IEnumerable<DemoMethod> ThreeDMethods(int seed) =>
        ThreeD.Where(Has).Select(m => new DemoMethod(m, MethodRegistry.Default.Get(m).DefaultOptions() with { Seed = seed }, "3D method on the organised xyz scans"));

    // The synthetic images are in colour and carry colour defects, so texture-gmm also models chromaticity.
    private static MethodOptions Options(string method, int seed) => method switch
    {
        VariationModelDetector.MethodId => new VariationOptions { Seed = seed, Alignment = "rigid", Illumination = "plane" },
        TextureGmmDetector.MethodId => new TextureGmmOptions { Seed = seed, Chroma = true },
        _ => MethodRegistry.Default.Get(method).DefaultOptions() with { Seed = seed },
    };

    private static bool Has(string method) => MethodRegistry.Default.Find(method) is not null;
}
