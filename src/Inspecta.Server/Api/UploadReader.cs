using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Inspecta.Server.Api;

/// <summary>One uploaded file: its name (for ids and messages) and its bytes.</summary>
public sealed record Upload(string Name, byte[] Bytes);

/// <summary>
/// Reads the images of a request: the raw body (name from <c>?name=</c>, else "upload"), or the files of a
/// multipart/form-data body. The body must arrive within the upload timeout (a client that never finishes gets 408 and
/// the connection is closed) and be no larger than the upload limit (413; Kestrel enforces the same limit on the socket).
/// </summary>
public static class UploadReader
{
    public static async Task<IReadOnlyList<Upload>> ReadAsync(HttpContext context, long maxBytes, TimeSpan timeout, CancellationToken cancel)
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
            throw new ApiProblem(StatusCodes.Status413PayloadTooLarge, $"the body has {request.ContentLength} bytes; the server accepts at most {maxBytes} (--max-upload-mb).") { CloseConnection = true };
        using var slow = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        slow.CancelAfter(timeout);
        try
        {
            // Only multipart is a form of files; any other type (octet-stream, image/*, curl's default urlencoded) is the image itself.
            if (request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true)
            {
                var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = maxBytes, ValueCountLimit = 64 }, slow.Token).ConfigureAwait(false);
                var files = new List<Upload>(form.Files.Count);
                foreach (var file in form.Files)
                {
                    using var buffer = new MemoryStream((int)Math.Min(file.Length, maxBytes));
                    await file.CopyToAsync(buffer, slow.Token).ConfigureAwait(false);
                    files.Add(new Upload(SafeName(file.FileName is { Length: > 0 } n ? n : file.Name), buffer.ToArray()));
                }
                if (files.Count == 0) throw ApiProblem.BadRequest("the multipart body holds no file; send the image as a file part (e.g. curl -F image=@part.png).");
                return files;
            }
            using var body = new MemoryStream(request.ContentLength is long length and > 0 ? (int)length : 1 << 16);
            await request.Body.CopyToAsync(body, slow.Token).ConfigureAwait(false);
            return [new Upload(SafeName(request.Query["name"].FirstOrDefault() ?? "upload"), body.ToArray())];
        }
        catch (OperationCanceledException) when (slow.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            throw new ApiProblem(StatusCodes.Status408RequestTimeout, $"the upload did not finish within {timeout.TotalSeconds:0.#} s; the server stopped waiting for it.") { CloseConnection = true };
        }
        catch (InvalidDataException e)
        {
            // Multipart limits and malformed multipart bodies.
            int status = e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
            throw new ApiProblem(status, $"cannot read the multipart body: {e.Message}") { CloseConnection = true };
        }
    }

    /// <summary>A client's file name without folders: it only names the image in answers and messages.</summary>
    private static string SafeName(string name)
    {
        string file = Path.GetFileName(name.Replace('\\', '/'));
        return string.IsNullOrWhiteSpace(file) ? "upload" : file;
    }
}
