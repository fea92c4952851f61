using Inspecta.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Nn;

/// <summary>
/// A module's parameters and buffers (its <c>state_dict</c>) as float32 arrays of a model file, named
/// <c>prefix/entry</c>. Loading checks every entry's presence and shape against the architecture built from the
/// manifest, so a file whose weights do not fit it is a user error, not a crash or a silently wrong net.
/// </summary>
public static class ModuleWeights
{
    public static void Save(nn.Module module, string prefix, ModelWriter writer)
    {
        foreach (var (name, t) in module.state_dict())
        {
            if (t.dtype == ScalarType.Int64)
            {
                // BatchNorm's num_batches_tracked: a counter, irrelevant to prediction, kept for completeness.
                writer.AddArray($"{prefix}/{name}", [checked((int)t.item<long>())], 1);
                continue;
            }
            using var cpu = t.detach().cpu().contiguous();
            writer.AddArray($"{prefix}/{name}", cpu.data<float>().ToArray(), [.. t.shape.Select(d => (int)d)]);
        }
    }

    public static void Load(nn.Module module, string prefix, ModelReader reader)
    {
        using var _ = no_grad();
        foreach (var (name, t) in module.state_dict())
        {
            string key = $"{prefix}/{name}";
            if (!reader.HasArray(key)) throw reader.Error($"the weights do not match the architecture in the manifest: '{key}' is missing.");
            if (t.dtype == ScalarType.Int64)
            {
                using var count = reader.ReadInts(key)[0].ToScalar();
                t.fill_(count);
                continue;
            }
            var data = reader.ReadFloats(key, out int[] shape);
            long[] expected = t.shape;
            if (!shape.Select(d => (long)d).SequenceEqual(expected))
                throw reader.Error($"the weights do not match the architecture in the manifest: '{key}' is [{string.Join('×', shape)}], the architecture needs [{string.Join('×', expected)}].");
            using var src = tensor(data, expected);
            t.copy_(src);
        }
    }

    /// <summary>Copies of every state entry, for keeping the best epoch's weights in memory.</summary>
    public static Dictionary<string, Tensor> Snapshot(nn.Module module)
    {
        var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in module.state_dict()) copy[name] = t.detach().clone().DetachFromDisposeScope();
        return copy;
    }

    public static void Restore(nn.Module module, Dictionary<string, Tensor> snapshot)
    {
        using var _ = no_grad();
        foreach (var (name, t) in module.state_dict()) t.copy_(snapshot[name]);
    }

    public static long ParameterCount(nn.Module module) => module.parameters().Sum(p => p.numel());
}
