using Inspecta.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Imaging;

/// <summary>
/// Patchwise evaluation of a working image: patches of <see cref="Patch"/>² at <see cref="Stride"/> (the last row and
/// column flush with the border so every pixel is covered), scored in one batch, and each pixel's map value averaged
/// over the patches covering it (the thesis's texture protocol). Patch = image size means one whole-image pass.
/// </summary>
public sealed record PatchGrid(int Patch, int Stride)
{
    public static int[] Offsets(int size, int patch, int stride)
    {
        var list = new List<int>();
        for (int o = 0; o + patch <= size; o += stride) list.Add(o);
        if (list[^1] + patch < size) list.Add(size - patch);
        return [.. list];
    }

    /// <param name="score">N×C×P×P patches → N×1×P×P maps.</param>
    public AnomalyMap Evaluate(ImageF image, Func<Tensor, Tensor> score)
    {
        int h = image.Height, w = image.Width, c = image.Channels;
        var ys = Offsets(h, Patch, Stride);
        var xs = Offsets(w, Patch, Stride);
        int n = ys.Length * xs.Length, plane = Patch * Patch;
        var data = new float[n * c * plane];
        int k = 0;
        foreach (int y0 in ys)
            foreach (int x0 in xs)
            {
                for (int ch = 0; ch < c; ch++)
                    for (int y = 0; y < Patch; y++)
                        image.Row(ch, y0 + y).Slice(x0, Patch).CopyTo(data.AsSpan((k * c + ch) * plane + y * Patch, Patch));
                k++;
            }
        float[] maps;
        using (var scope = NewDisposeScope())
        {
            var result = score(tensor(data, [n, c, Patch, Patch])).contiguous();
            maps = result.data<float>().ToArray();
        }
        if (n == 1) return new AnomalyMap(h, w, maps);
        var sum = new float[h * w];
        var count = new float[h * w];
        k = 0;
        foreach (int y0 in ys)
            foreach (int x0 in xs)
            {
                for (int y = 0; y < Patch; y++)
                    for (int x = 0; x < Patch; x++)
                    {
                        int i = (y0 + y) * w + x0 + x;
                        sum[i] += maps[k * plane + y * Patch + x];
                        count[i]++;
                    }
                k++;
            }
        for (int i = 0; i < sum.Length; i++) sum[i] /= count[i];
        return new AnomalyMap(h, w, sum);
    }
}
