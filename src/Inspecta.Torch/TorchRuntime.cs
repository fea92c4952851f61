using TorchSharp;

namespace Inspecta.Torch;

/// <summary>
/// libtorch's process-wide state. Results are bit-identical only for one thread count (the reduction order of the
/// kernels depends on it), so every trained model records the count it was trained with.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();

    public static string Version => torch.__version__;

    /// <summary>Threads for libtorch's intra-op pool; more threads than cores was measured to be catastrophically slow.</summary>
    public static int DefaultThreads => Math.Max(1, Environment.ProcessorCount);

    /// <summary>Sets the thread count; 0 or less is a user error.</summary>
    public static void SetThreads(int threads)
    {
        if (threads < 1) throw new InspectaUserException($"--threads must be at least 1, got {threads}.");
        lock (Gate)
        {
            if (torch.get_num_threads() != threads) torch.set_num_threads(threads);
        }
    }

    /// <summary>Seeds libtorch's generator (weight initialisation, dropout, noise); data order uses <see cref="Training.TrainingRandom"/>.</summary>
    public static void Seed(ulong seed)
    {
        lock (Gate) torch.manual_seed((long)(seed & long.MaxValue));
    }
}
