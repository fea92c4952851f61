using TorchSharp;

namespace Inspecta.Torch;

/// <summary>One place that touches libtorch's process-wide state (threads, seeds).</summary>
public static class TorchRuntime
{
    public static string Version => torch.__version__;
}
