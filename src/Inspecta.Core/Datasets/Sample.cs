using Inspecta.Imaging;

namespace Inspecta.Datasets;

/// <summary>
/// One dataset item. Pixels are loaded on demand (a dataset of 900×900 images does not fit in memory
/// eagerly); in-memory samples (synthetic data, tests) set <see cref="Image"/> directly.
/// </summary>
/// <param name="Id">Stable id within its category and label, e.g. "000".</param>
/// <param name="Path">The image (or scan) file; empty for in-memory samples.</param>
/// <param name="Split">Train, validation or test.</param>
/// <param name="Label">"good" or the defect type (folder name).</param>
public sealed record Sample(string Id, string Path, Split Split, string Label)
{
    public const string GoodLabel = "good";

    /// <summary>Label of a sample whose state is unknown (an image to predict).</summary>
    public const string UnlabelledLabel = "unlabelled";

    /// <summary>An image file to predict, outside any dataset (the library's entry point for one image).</summary>
    public static Sample ForImage(string path) =>
        new(System.IO.Path.GetFileNameWithoutExtension(path), System.IO.Path.GetFullPath(path), Split.Test, UnlabelledLabel);

    /// <summary>
    /// An image decoded in memory (an upload to the server), checked for non-finite pixels as <see cref="LoadImage"/>
    /// checks a file; <paramref name="name"/> is its id and its <see cref="Path"/>, which only names it in messages
    /// (the pixels come from <see cref="Image"/>).
    /// </summary>
    public static Sample ForImage(string name, ImageF image) =>
        new(System.IO.Path.GetFileNameWithoutExtension(name), name, Split.Test, UnlabelledLabel) { Image = RequireFinite(image, name) };

    public bool IsGood => Label == GoodLabel;

    /// <summary>Ground-truth masks; MVTec AD has one, MVTec LOCO AD one per annotated defect (channel).</summary>
    public IReadOnlyList<string> MaskPaths { get; init; } = [];

    /// <summary>Organised xyz scan (MVTec 3D-AD) or point cloud file, when the dataset has one.</summary>
    public string? GeometryPath { get; init; }

    /// <summary>Per-point ground truth file (Real3D-AD / Anomaly-ShapeNet <c>x y z label</c>).</summary>
    public string? PointLabelsPath { get; init; }

    /// <summary>In-memory pixels; when set, <see cref="LoadImage"/> returns it instead of reading <see cref="Path"/>.</summary>
    public ImageF? Image { get; init; }

    /// <summary>In-memory ground truth (union of all channels); overrides <see cref="MaskPaths"/>.</summary>
    public Mask? GroundTruth { get; init; }

    /// <summary>The image's pixels; a file with NaN or infinite values (float TIFF) is a user error naming the pixel.</summary>
    public ImageF LoadImage() => Image ?? RequireFinite(ImageIO.Read(Path), Path);

    private static ImageF RequireFinite(ImageF image, string path)
    {
        int bad = image.Data.AsSpan().IndexOfAnyExceptInRange(float.MinValue, float.MaxValue); // NaN and ±Inf are outside
        if (bad < 0) return image;
        int plane = image.PlaneSize, p = bad % plane;
        throw InspectaUserException.ForFile(path, $"pixel x={p % image.Width}, y={p / image.Width} (channel {bad / plane}) is {image.Data[bad]}; images must hold finite values.");
    }

    /// <summary>Width, height and channels of the image from its header only (or from <see cref="Image"/>).</summary>
    public ImageInfo ReadImageInfo() =>
        Image is { } img ? new ImageInfo(img.Width, img.Height, img.Channels, 32) : ImageIO.ReadInfo(Path);

    /// <summary>
    /// The ground truth as a 0/255 mask: the union of all <see cref="MaskPaths"/> (any non-zero pixel),
    /// <see cref="GroundTruth"/> when set in memory, or all zeros at the image size for a good sample
    /// without masks (only the image header is read). A defect sample without any mask is a user error
    /// (the dataset has image-level labels only), never a silently empty mask.
    /// </summary>
    public Mask LoadGroundTruth()
    {
        if (GroundTruth is { } gt) return gt;
        if (MaskPaths.Count == 0)
        {
            if (!IsGood) throw InspectaUserException.ForFile(Path, "defect image has no ground-truth mask (this dataset has image-level labels only).");
            var info = ReadImageInfo();
            return new Mask(info.Height, info.Width);
        }
        var channels = LoadGroundTruthChannels();
        var union = new Mask(channels[0].Height, channels[0].Width);
        foreach (var channel in channels)
        {
            var src = channel.Data;
            var dst = union.Data;
            for (int i = 0; i < dst.Length; i++) if (src[i] != 0) dst[i] = 255;
        }
        return union;
    }

    /// <summary>
    /// Every ground-truth mask with its raw pixel values, in <see cref="MaskPaths"/> order (MVTec LOCO AD:
    /// one channel per annotated defect, its value naming the defect type). Empty for a sample without
    /// masks. A mask whose size differs from the image is a user error naming both files.
    /// </summary>
    public IReadOnlyList<Mask> LoadGroundTruthChannels()
    {
        if (GroundTruth is { } gt) return [gt];
        if (MaskPaths.Count == 0) return [];
        var info = ReadImageInfo();
        var masks = new List<Mask>(MaskPaths.Count);
        foreach (string path in MaskPaths)
        {
            var mask = ImageIO.ReadMask(path);
            if (mask.Width != info.Width || mask.Height != info.Height)
                throw InspectaUserException.ForFile(path, $"mask is {mask.Width}×{mask.Height} but its image {Path} is {info.Width}×{info.Height}.");
            masks.Add(mask);
        }
        return masks;
    }

    public override string ToString() => $"{Split}/{Label}/{Id}";
}
