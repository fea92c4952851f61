namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>One layer of a patch network: a k×k convolution (valid, stride 1) to <see cref="Channels"/> maps, or a k×k max-pool with stride <see cref="Stride"/>.</summary>
public readonly record struct PatchLayer(bool IsPool, int Kernel, int Stride, int Channels)
{
    public static PatchLayer Conv(int kernel, int channels) => new(false, kernel, 1, channels);
    public static PatchLayer Pool(int kernel, int stride) => new(true, kernel, stride, 0);
}
