using System.Runtime.CompilerServices;
using Inspecta.Features;

namespace Inspecta.Tests.Infrastructure;

/// <summary>
/// The built-in resnet18, derived once into a model cache beside the test binaries (never the user's). The module
/// initializer points INSPECTA_MODELS there, so CLI runs without --backbone use it too.
/// </summary>
public static class TestBackbones
{
    public static string CacheDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "test-model-cache");

    private static readonly Lazy<string> Derived = new(() => BuiltInBackbone.Ensure(CacheDirectory).Path);

    /// <summary>Path of the derived resnet18.onnx (layer1/2/3, strides 4/8/16).</summary>
    public static string ResNet18 => Derived.Value;

    /// <summary>
    /// Writes a copy of the resnet18 with different bytes but the same graph (an unknown protobuf field of 16 random
    /// bytes appended, which ONNX Runtime ignores): a backbone with its own SHA-256, as a user's re-exported file would
    /// have, and one no earlier test run left in the test cache.
    /// </summary>
    public static string Variant(string destination)
    {
        var bytes = File.ReadAllBytes(ResNet18);
        File.WriteAllBytes(destination, [.. bytes, 0xC2, 0x3E, 16, .. Guid.NewGuid().ToByteArray()]);   // field 1000, length-delimited
        return destination;
    }

    [ModuleInitializer]
    internal static void UseTheTestCache() => Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, CacheDirectory);
}
