using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace ElectionFunctions.Reporting;

/// <summary>Where a package's files go: Blob Storage, or memory to verify a sealed package.</summary>
public interface IPackageSink
{
    /// <summary>A data file to stream into (replaced if a stopped compile left one).</summary>
    Task<Stream> OpenAsync(string name, string contentType, CancellationToken cancellationToken);

    /// <summary>The manifest, the commit point (<see cref="PackageManifest"/>): one create-only write of the whole file.</summary>
    Task WriteOnceAsync(string name, string contentType, byte[] content, CancellationToken cancellationToken);
}

public sealed class BlobPackageSink(BlobContainerClient container, string prefix) : IPackageSink
{
    public const string ManifestName = "manifest.json";

    // The data files of a version that has no manifest are a stopped compile's, so they may be replaced; a compile
    // never writes a version whose manifest exists (PackageCompiler).
    public async Task<Stream> OpenAsync(string name, string contentType, CancellationToken cancellationToken) =>
        await container.GetBlockBlobClient(prefix + name).OpenWriteAsync(true, new BlockBlobOpenWriteOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        }, cancellationToken).ConfigureAwait(false);

    // One upload: a streamed write would first create an empty blob, which a crash could leave as a "committed" manifest.
    public async Task WriteOnceAsync(string name, string contentType, byte[] content, CancellationToken cancellationToken) =>
        await container.GetBlobClient(prefix + name).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The version's manifest, or null when the version was never committed. One that does not read as a manifest
    /// (empty, cut short) commits nothing: it is deleted, under the compile's lease, so the version can be written.
    /// </summary>
    public async Task<PackageManifest?> ReadManifestAsync(CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(prefix + ManifestName);
        Response<BlobDownloadResult> content;
        try
        {
            content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        try
        {
            if (System.Text.Json.JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, ElectionJsonContext.Default.PackageManifest) is { Files.Count: > 0 } manifest)
                return manifest;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = content.Value.Details.ETag }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return null;
    }
}

public sealed class MemoryPackageSink : IPackageSink
{
    private readonly List<(string Name, string ContentType, MemoryStream Content)> _files = [];

    /// <summary>The files written, in order (a MemoryStream still gives its bytes after it is closed).</summary>
    public IEnumerable<(string Name, string ContentType, byte[] Content)> Files => _files.Select(f => (f.Name, f.ContentType, f.Content.ToArray()));

    public Task WriteOnceAsync(string name, string contentType, byte[] content, CancellationToken cancellationToken)
    {
        _files.Add((name, contentType, new MemoryStream(content)));
        return Task.CompletedTask;
    }

    public Task<Stream> OpenAsync(string name, string contentType, CancellationToken cancellationToken)
    {
        var stream = new MemoryStream();
        _files.Add((name, contentType, stream));
        return Task.FromResult<Stream>(stream);
    }
}

/// <summary>Counts and hashes what passes through on its way to the inner stream.</summary>
public sealed class HashingStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _final;

    public long Written { get; private set; }

    /// <summary>The SHA-256 of what was written; still there after the stream is closed (closing commits a blob).</summary>
    public string Sha256() => _final ?? Convert.ToHexStringLower(_hash.GetCurrentHash());

    private void Seal()
    {
        _final ??= Convert.ToHexStringLower(_hash.GetCurrentHash());
        _hash.Dispose();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        Written += buffer.Length;
        inner.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _hash.AppendData(buffer.Span);
        Written += buffer.Length;
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            Seal();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        Seal();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
