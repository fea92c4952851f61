using Inspecta.Datasets;
using Inspecta.Imaging;

namespace Inspecta.Detectors;

/// <summary>Input checks shared by the classical detectors, with messages that name the offending sample.</summary>
internal static class SampleImages
{
    public static string Describe(Sample sample) => string.IsNullOrEmpty(sample.Path) ? $"sample {sample}" : sample.Path;

    public static void RequireAtLeast(IReadOnlyList<Sample> good, int minimum, string method)
    {
        if (good.Count < minimum)
            throw new InspectaUserException($"{method}: needs at least {minimum} good training images, got {good.Count}.");
    }

    public static void RequireShape(ImageF image, Sample sample, int channels, int height, int width, string what)
    {
        if (image.Height != height || image.Width != width)
            throw InspectaUserException.ForFile(Describe(sample),
                $"image is {image.Width}×{image.Height} but {what} {width}×{height}; all images must share one size (use --image-size to resize them).");
        if (image.Channels != channels)
            throw InspectaUserException.ForFile(Describe(sample),
                $"image has {image.Channels} channel(s) but {what} {channels}; mix of grayscale and colour images.");
    }
}
