using Inspecta.Datasets;
using Inspecta.Detectors.Registry;
using Inspecta.Imaging;
using Inspecta.Server.Api;
using Microsoft.AspNetCore.Http;

namespace Inspecta.Server.Inference;

/// <summary>
/// Turns an upload into the <see cref="Sample"/> a model reads, refusing bad input with a 4xx before it reaches a worker:
/// empty (400), not an image (415), a header claiming more pixels than allowed (413, read from the header before any
/// pixel buffer exists), undecodable (400), a 3D scan for a 2D model or an image for a 3D model (422).
/// Images decode in memory through <see cref="ImageIO.Decode"/>, the decoder <c>inspecta predict</c> uses on files.
/// Organised scans are written to a temporary file, since the 3D readers (and the methods) take a path.
/// </summary>
public sealed class UploadedSample : IDisposable
{
    private readonly string? _tempFile;

    private UploadedSample(Sample sample, ImageF? image, string? tempFile, IReadOnlyList<string>? warnings = null)
    {
        Sample = sample;
        Image = image;
        _tempFile = tempFile;
        Warnings = warnings ?? [];
    }

    /// <summary>How the image differs from the training images (scale, channels), as predict warns of it.</summary>
    public IReadOnlyList<string> Warnings { get; }

    public Sample Sample { get; }
    /// <summary>The decoded image (2D models): the overlay's background.</summary>
    public ImageF? Image { get; }

    public static UploadedSample From(Upload upload, ServedModel model, long maxPixels)
    {
        byte[] bytes = upload.Bytes;
        string name = upload.Name;
        if (bytes.Length == 0) throw ApiProblem.BadRequest($"{name}: the body is empty; send the image bytes (raw body or a multipart file).");
        if (!ImageIO.IsKnownFormat(bytes))
            throw new ApiProblem(StatusCodes.Status415UnsupportedMediaType, $"{name}: not a PNG, JPEG, BMP or TIFF image (unrecognised first bytes{Preview(bytes)}).");
        var kind = model.Model.Input;
        if (kind == InputKind.PointCloud)
            throw ApiProblem.Unprocessable($"model '{model.Name}' ({model.Model.Detector.Method}) scores unorganised point clouds; the server accepts images and organised xyz TIFF scans only (use `inspecta predict` for point clouds).");
        ImageInfo info;
        try { info = ImageIO.ReadInfo(bytes, name); }
        catch (InspectaUserException e) { throw ApiProblem.BadRequest(e.Message); }
        long pixels = (long)info.Width * info.Height;
        if (pixels > maxPixels)
            throw new ApiProblem(StatusCodes.Status413PayloadTooLarge,
                $"{name}: the header says {info.Width}×{info.Height} pixels ({pixels / 1e6:0.#} megapixels); the server accepts at most {maxPixels / 1e6:0.#} (--max-megapixels). Refused before decoding.");
        bool tiff = Imaging.Codecs.TiffCodec.IsTiff(bytes);
        if (kind == InputKind.OrganizedScan)
        {
            if (!tiff || info.Channels != 3 || info.BitDepth < 32)
                throw ApiProblem.Unprocessable($"{name}: model '{model.Name}' ({model.Model.Detector.Method}) reads organised 3D scans (an xyz TIFF: 3 float channels); this is a {info.Channels}-channel {info.BitDepth}-bit image.");
            string temp = Path.Combine(Path.GetTempPath(), $"inspecta-serve-{Guid.NewGuid():N}.tiff");
            File.WriteAllBytes(temp, bytes);
            var scan = new Sample(Path.GetFileNameWithoutExtension(name), temp, Split.Test, Sample.UnlabelledLabel) { GeometryPath = temp };
            return new UploadedSample(scan, null, temp);
        }
        ImageF image;
        try { image = ImageIO.Decode(bytes, name); }
        catch (InspectaUserException e) { throw ApiProblem.BadRequest(e.Message); }
        if (tiff && info.Channels == 3 && info.BitDepth >= 32 && LooksLikeXyz(image))
            throw ApiProblem.Unprocessable($"{name}: this is a 3D scan (a float TIFF of x, y, z coordinates, values outside [0, 1]); model '{model.Name}' ({model.Model.Detector.Method}) is a 2D image model.");
        // The training images' size, aspect and channels, checked as predict checks them: a refusal is the input's fault.
        IReadOnlyList<string> warnings;
        try { warnings = model.Model.Inputs?.Check(info, name) ?? []; }
        catch (InspectaUserException e) { throw ApiProblem.Unprocessable(e.Message); }
        try { return new UploadedSample(Sample.ForImage(name, image), image, null, warnings); }
        catch (InspectaUserException e) { throw ApiProblem.Unprocessable(e.Message); }
    }

    /// <summary>Coordinates in metres are negative for half the field and unbounded; image samples lie in [0, 1].</summary>
    private static bool LooksLikeXyz(ImageF image)
    {
        foreach (float v in image.Data) if (!(v >= 0f && v <= 1f)) return true;
        return false;
    }

    private static string Preview(byte[] bytes)
    {
        var head = bytes.AsSpan(0, Math.Min(8, bytes.Length));
        bool text = head.ToArray().All(b => b is >= 0x20 and < 0x7F or (byte)'\n' or (byte)'\r' or (byte)'\t');
        return text ? $" \"{System.Text.Encoding.ASCII.GetString(head).ReplaceLineEndings(" ")}\": text?" : $" {Convert.ToHexString(head)}";
    }

    /// <summary>Messages of the 3D readers name the temporary file; answers name the upload.</summary>
    public string Rename(string message) => _tempFile is null ? message : message.Replace(_tempFile, Sample.Id, StringComparison.Ordinal);

    public void Dispose()
    {
        if (_tempFile is not null) try { File.Delete(_tempFile); } catch (IOException) { }
    }
}
