using Inspecta.Features;

namespace Inspecta.Detectors.Components;

/// <summary>
/// PatchCore's locally aware patch features (Roth et al., §3.1): each layer averaged over 3×3
/// neighbourhoods, deeper layers upsampled bilinearly to the first layer's grid, every layer
/// adaptive-average-pooled over channels to <see cref="LayerDim"/>, and the concatenation pooled to
/// <see cref="TargetDim"/>. Output: one row of <see cref="TargetDim"/> floats per grid cell.
/// </summary>
internal sealed class PatchEmbedder(int layerDim, int targetDim)
{
    public int LayerDim { get; } = layerDim;
    public int TargetDim { get; } = targetDim;

    /// <summary>Embeds one image's layer maps (single-item, shallow to deep); returns (rows, grid H, grid W).</summary>
    public (float[] Rows, int Height, int Width) Embed(IReadOnlyList<FeatureMap> layers)
    {
        int h = layers[0].Height, w = layers[0].Width, positions = h * w, count = layers.Count;
        var pooledLayers = new float[count][];
        var layerRanges = new (int, int)[count][];
        for (int l = 0; l < count; l++)
        {
            var m = layers[l];
            var avg = PatchEmbedding.AverageNeighbourhood3x3(m.Item(0), m.Channels, m.Height, m.Width);
            pooledLayers[l] = PatchEmbedding.ResizePlanes(avg, m.Channels, m.Height, m.Width, h, w);
            layerRanges[l] = PatchEmbedding.AdaptivePoolRanges(m.Channels, LayerDim);
        }
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
        return (rows, h, w);
    }
}
