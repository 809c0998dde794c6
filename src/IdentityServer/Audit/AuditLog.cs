using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Iess.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Audit;

/// <summary>
/// Appends security events to the hash-chained log. Each write uses its own context so an event is recorded
/// even when the caller's work is rolled back; a clash with another node's write is retried. Writes from this node
/// take turns, so concurrent requests on one node do not race for the same sequence number and exhaust the retries.
/// </summary>
public sealed class AuditLog(IServiceScopeFactory scopes, TimeProvider time, ILogger<AuditLog> logger)
{
    private const int Attempts = 8;
    private readonly SemaphoreSlim oneWriterPerNode = new(1, 1);

    public Task WriteAsync(string type, string outcome, string? subject, string? actor, HttpContext? http, string? detail = null) =>
        WriteAsync(new AuditEvent
        {
            Type = type,
            Outcome = outcome,
            Subject = subject,
            Actor = actor,
            IpAddress = http?.Connection.RemoteIpAddress?.ToString(),
            Detail = detail is { Length: > 2000 } ? detail[..2000] : detail,
        });

    public async Task WriteAsync(AuditEvent entry)
    {
        await oneWriterPerNode.WaitAsync();
        try
        {
            await AppendAsync(entry);
        }
        finally
        {
            oneWriterPerNode.Release();
        }
    }

    private async Task AppendAsync(AuditEvent entry)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
            var last = await db.AuditEvents.AsNoTracking()
                .OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash })
                .FirstOrDefaultAsync();

            // Whole milliseconds: every provider stores them exactly, so the hash recomputed from a read row matches.
            var now = time.GetUtcNow();
            var row = new AuditEvent
            {
                Sequence = (last?.Sequence ?? 0) + 1,
                OccurredAt = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero),
                Type = entry.Type,
                Outcome = entry.Outcome,
                Subject = entry.Subject,
                Actor = entry.Actor,
                IpAddress = entry.IpAddress,
                Detail = entry.Detail,
                PreviousHash = last?.Hash ?? "",
            };
            row.Hash = ComputeHash(row);
            db.AuditEvents.Add(row);
            try
            {
                await db.SaveChangesAsync();
                logger.LogInformation("Audit {Type} {Outcome} subject={Subject}", row.Type, row.Outcome, row.Subject);
                return;
            }
            catch (DbUpdateException) when (attempt < Attempts)
            {
                // Another writer took this sequence number; read the new tail and try again.
                await Task.Delay(Random.Shared.Next(5, 25 * attempt));
            }
        }
    }

    /// <summary>Walks the chain: the sequence of the first row whose hash or link does not hold (or null), and how many rows were read.</summary>
    public async Task<(long? Broken, long Count)> VerifyAsync(CancellationToken cancellationToken = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
        var previous = "";
        long expected = 1;
        await foreach (var row in db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (row.Sequence != expected || row.PreviousHash != previous || row.Hash != ComputeHash(row))
            {
                return (row.Sequence, expected - 1);
            }

            previous = row.Hash;
            expected++;
        }

        return (null, expected - 1);
    }

    internal static string ComputeHash(AuditEvent row)
    {
        var text = string.Join('\u001f',
            row.Sequence.ToString(CultureInfo.InvariantCulture),
            row.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            row.Type, row.Outcome, row.Subject, row.Actor, row.IpAddress, row.Detail, row.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
