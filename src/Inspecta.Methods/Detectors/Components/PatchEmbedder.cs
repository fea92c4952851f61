using Inspecta.Features;

namespace Inspecta.Detectors.Components;

/// <summary>
/// PatchCore's locally aware patch features (Roth et al., §3.1): each layer averaged over 3×3
/// neighbourhoods, deeper layers upsampled bilinearly to the first layer's grid, every layer
/// adaptive-average-pooled over channels to <see cref="LayerDim"/>, and the concatenation pooled to
/// <see cref="TargetDim"/>. Output: one row per grid cell.
/// </summary>
/// <remarks>
/// When the layers have fewer channels than <see cref="LayerDim"/> and divide it (ResNet-18: 128 and 256 → 1024),
/// both poolings only repeat channels: every one of the <see cref="TargetDim"/> values is one input channel, channel c
/// appearing m_c times. Squared L2 distances between such rows equal Σ m_c·Δc², which is the plain squared distance
/// between the compact rows √m_c·x_c. With <c>compact</c>, those rows (Σ channels long, 384 for ResNet-18) are emitted
/// instead: every distance, and so every score, is the same as with the full rows at a fraction of the search cost.
/// </remarks>
internal sealed class PatchEmbedder(int layerDim, int targetDim, bool compact = false)
{
    public int LayerDim { get; } = layerDim;
    public int TargetDim { get; } = targetDim;

    /// <summary>Whether compact rows are emitted when the layers allow it (see remarks).</summary>
    public bool CompactWhenExact { get; } = compact;

    /// <summary>
    /// Per concatenated input channel, √(times it is repeated in the full row), when the pooling of layers with these
    /// channel counts only repeats channels; null when it averages different channels (then rows stay full).
    /// </summary>
    public double[]? CompactWeights(IReadOnlyList<int> channels)
    {
        int total = channels.Sum();
        var concatRanges = PatchEmbedding.AdaptivePoolRanges(channels.Count * LayerDim, TargetDim);
        var layerRanges = channels.Select(c => PatchEmbedding.AdaptivePoolRanges(c, LayerDim)).ToArray();
        var offsets = new int[channels.Count];
        for (int l = 1; l < channels.Count; l++) offsets[l] = offsets[l - 1] + channels[l - 1];
        var multiplicity = new int[total];
        var row = new Dictionary<int, double>();
        foreach (var (start, end) in concatRanges)
        {
            // The full row's value here as weights over the input channels.
            row.Clear();
            for (int i = start; i < end; i++)
            {
                int l = i / LayerDim;
                var (s, e) = layerRanges[l][i % LayerDim];
                for (int c = s; c < e; c++)
                    row[offsets[l] + c] = row.GetValueOrDefault(offsets[l] + c) + 1.0 / (end - start) / (e - s);
            }
            if (row.Count != 1) return null;
            var (channel, weight) = row.First();
            if (Math.Abs(weight - 1) > 1e-12) return null;
            multiplicity[channel]++;
        }
        return [.. multiplicity.Select(m => Math.Sqrt(m))];
    }

    /// <summary>Length of one row for layers with these channel counts.</summary>
    public int RowLength(IReadOnlyList<int> channels) =>
        CompactWhenExact && CompactWeights(channels) is { } w ? w.Count(x => x > 0) : TargetDim;

    /// <summary>Embeds one image's layer maps (single-item, shallow to deep); returns (rows, grid H, grid W).</summary>
    public (float[] Rows, int Height, int Width) Embed(IReadOnlyList<FeatureMap> layers)
    {
        int h = layers[0].Height, w = layers[0].Width, positions = h * w, count = layers.Count;
        var pooledLayers = new float[count][];
        Parallel.For(0, count, l =>
        {
            var m = layers[l];
            var avg = PatchEmbedding.AverageNeighbourhood3x3(m.Item(0), m.Channels, m.Height, m.Width);
            pooledLayers[l] = PatchEmbedding.ResizePlanes(avg, m.Channels, m.Height, m.Width, h, w);
        });
        var weights = CompactWhenExact ? CompactWeights([.. layers.Select(m => m.Channels)]) : null;
        return weights is null ? (Full(layers, pooledLayers, positions), h, w) : (Compact(layers, pooledLayers, positions, weights), h, w);
    }

    private float[] Full(IReadOnlyList<FeatureMap> layers, float[][] pooledLayers, int positions)
    {
        int count = layers.Count;
        var layerRanges = layers.Select(m => PatchEmbedding.AdaptivePoolRanges(m.Channels, LayerDim)).ToArray();
        var concatRanges = PatchEmbedding.AdaptivePoolRanges(count * LayerDim, TargetDim);
        var rows = new float[positions * TargetDim];
        Parallel.For(0, positions, () => (Vector: new float[layers.Max(m => m.Channels)], Concat: new float[count * LayerDim]), (p, _, buf) =>
        {
            for (int l = 0; l < count; l++)
            {
                int channels = layers[l].Channels;
                var v = buf.Vector.AsSpan(0, channels);
                var planes = pooledLayers[l];
                for (int c = 0; c < channels; c++) v[c] = planes[c * positions + p];
                PatchEmbedding.AdaptiveAveragePool(v, buf.Concat.AsSpan(l * LayerDim, LayerDim), layerRanges[l]);
            }
            PatchEmbedding.AdaptiveAveragePool(buf.Concat, rows.AsSpan(p * TargetDim, TargetDim), concatRanges);
            return buf;
        }, _ => { });
        return rows;
    }

    /// <summary>Rows of √m_c·x_c: planar layers transposed to patch-major, each channel scaled by its weight.</summary>
    private static float[] Compact(IReadOnlyList<FeatureMap> layers, float[][] pooledLayers, int positions, double[] weights)
    {
        int dim = weights.Count(x => x > 0);
        var rows = new float[positions * dim];
        int column = 0, channel = 0;
        for (int l = 0; l < layers.Count; l++)
        {
            var planes = pooledLayers[l];
            for (int c = 0; c < layers[l].Channels; c++, channel++)
            {
                if (weights[channel] == 0) continue;
                float wc = (float)weights[channel];
                var plane = planes.AsSpan(c * positions, positions);
                for (int p = 0; p < positions; p++) rows[p * dim + column] = plane[p] * wc;
                column++;
            }
        }
        return rows;
    }
}
