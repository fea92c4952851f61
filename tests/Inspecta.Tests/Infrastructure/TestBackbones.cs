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

    [ModuleInitializer]
    internal static void UseTheTestCache() => Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, CacheDirectory);
}
