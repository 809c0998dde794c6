using Iess.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Accounts;

/// <summary>What an import did: whether it wrote anything, and the lines to show the operator.</summary>
public sealed record ImportReport(bool Succeeded, IReadOnlyList<string> Lines);

/// <summary>How one kind of registry file is read and described; the rest of an import is <see cref="RegistryImport"/>.</summary>
public sealed record RegistryFormat(
    string Header,
    Func<string, int, List<string>, IessUser?> ParseRow,
    Func<int, IessUser, string> DuplicateInFile,
    Func<IessUser, string> AlreadyHasAccount,
    Func<int, string> Imported);

/// <summary>
/// The part every registry import shares: the header, line numbers, rows repeated in the file or already in the
/// database, and an all-or-nothing bulk insert (<see cref="RegistryBulkInsert"/>) inside one transaction. One bad row and nothing is written.
/// </summary>
public static class RegistryImport
{
    private const int LookupBatchSize = 5000;
    private const int ParseChunkSize = 20_000;

    /// <summary>Above this many rows, the account names in the database are read once instead of looked up in batches.</summary>
    private const int ScanAboveRows = 20_000;

    public static async Task<ImportReport> RunAsync(IessDbContext db, string path, RegistryFormat format, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return new ImportReport(false, [$"No existe el archivo / file not found: {path}"]);
        }

        var errors = new List<string>();
        var rows = new List<IessUser>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var lines = File.ReadLines(path).GetEnumerator();
        if (!lines.MoveNext() || !string.Equals(lines.Current.Trim().TrimStart('\uFEFF'), format.Header, StringComparison.OrdinalIgnoreCase))
        {
            return new ImportReport(false, [$"línea 1: la cabecera debe ser / the header must be: {format.Header}"]);
        }

        // Rows are parsed on every core a chunk at a time (parsing is pure: the e-mail and phone checks dominate);
        // errors and duplicates are then taken in file order, so the report reads the same as a one-by-one pass.
        var lineNumber = 1;
        foreach (var chunk in Remaining(lines).Chunk(ParseChunkSize))
        {
            var parsed = new (IessUser? Row, List<string>? Errors)[chunk.Length];
            var firstLine = lineNumber + 1;
            Parallel.For(0, chunk.Length, i =>
            {
                if (!string.IsNullOrWhiteSpace(chunk[i]))
                {
                    var rowErrors = new List<string>(0);
                    parsed[i] = (format.ParseRow(chunk[i], firstLine + i, rowErrors), rowErrors);
                }
            });

            for (var i = 0; i < chunk.Length; i++)
            {
                var (row, rowErrors) = parsed[i];
                if (rowErrors is not null)
                {
                    errors.AddRange(rowErrors);
                }

                if (row is not null && !seen.Add(row.UserName!))
                {
                    errors.Add(format.DuplicateInFile(firstLine + i, row));
                }
                else if (row is not null)
                {
                    rows.Add(row);
                }
            }

            lineNumber += chunk.Length;
        }

        var existing = await ExistingAsync(db, rows, seen, cancellationToken);
        errors.AddRange(rows.Where(r => existing.Contains(r.UserName!)).Select(format.AlreadyHasAccount));
        if (errors.Count > 0)
        {
            return new ImportReport(false, [.. errors, $"Nada fue importado ({errors.Count} errores). / Nothing was imported ({errors.Count} errors)."]);
        }

        // In key order, each index page of the primary key fills in turn instead of at random.
        rows.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await RegistryBulkInsert.WriteAsync(db, rows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ImportReport(true, [format.Imported(rows.Count)]);
    }

    private static IEnumerable<string> Remaining(IEnumerator<string> lines)
    {
        while (lines.MoveNext())
        {
            yield return lines.Current;
        }
    }

    /// <summary>The rows' account names that already exist: looked up in batches for a small file, one read of every name for a large one.</summary>
    private static async Task<HashSet<string>> ExistingAsync(IessDbContext db, List<IessUser> rows, HashSet<string> inFile, CancellationToken cancellationToken)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        if (rows.Count <= ScanAboveRows)
        {
            foreach (var chunk in rows.Select(r => r.UserName!).Chunk(LookupBatchSize))
            {
                existing.UnionWith(await db.Users.AsNoTracking().Where(u => chunk.Contains(u.UserName!)).Select(u => u.UserName!).ToListAsync(cancellationToken));
            }

            return existing;
        }

        await foreach (var userName in db.Users.AsNoTracking().Select(u => u.UserName!).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (inFile.Contains(userName))
            {
                existing.Add(userName);
            }
        }

        return existing;
    }
}
