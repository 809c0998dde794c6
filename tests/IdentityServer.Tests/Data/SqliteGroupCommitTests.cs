using Iess.Identity.Data;
using Iess.Identity.Hosting;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Iess.Identity.Tests.Data;

/// <summary>
/// SQLite commits of concurrent requests share one <c>fsync</c> of the write-ahead log, and nobody is told "saved"
/// before a sync that began after their commit has finished (docs/PERFORMANCE.md, change 18).
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly SqliteTestFile _file = new();

    [Fact]
    public async Task A_write_is_acknowledged_only_after_a_sync_that_began_after_its_commit()
    {
        await PrepareAsync(wal: true);
        var committer = SqliteWriteGate.GroupCommit(_file.Path);
        Assert.NotNull(committer);

        using var flushing = new SemaphoreSlim(0);
        using var proceed = new SemaphoreSlim(0);
        committer.BeforeFlushForTests = () =>
        {
            flushing.Release();
            proceed.Wait();
        };

        try
        {
            var first = Task.Run(() => WriteAsync("first"));
            Assert.True(await flushing.WaitAsync(Patience));

            // Committed (another connection reads it) but not yet on disk: the writer has not been answered.
            Assert.Equal(1, CountCommitted("first"));
            await Task.Delay(300);
            Assert.False(first.IsCompleted);

            // A second writer, synchronous this time, commits while that sync runs: the sync began before its commit,
            // so it must wait for the next one.
            var second = Task.Run(() =>
            {
                using var db = NewContext();
                db.RateCounters.Add(Counter("second"));
                db.SaveChanges();
            });
            await Eventually.ValueAsync(() => Task.FromResult(CountCommitted("second")), count => count == 1, Patience);

            proceed.Release();
            await first.WaitAsync(Patience);
            Assert.True(await flushing.WaitAsync(Patience));
            await Task.Delay(300);
            Assert.False(second.IsCompleted);

            proceed.Release();
            await second.WaitAsync(Patience);
        }
        finally
        {
            committer.BeforeFlushForTests = null;
            proceed.Release(10);
        }

        // The log keeps its inode while the server runs: closing every pooled connection does not delete it.
        SqliteConnection.ClearAllPools();
        Assert.True(File.Exists(_file.Path + "-wal"));
    }

    [Fact]
    public async Task Writers_that_commit_during_a_sync_share_the_next_one()
    {
        await PrepareAsync(wal: true);
        var committer = SqliteWriteGate.GroupCommit(_file.Path)!;
        var before = committer.Flushes;

        // The first sync is held open (a slow disk) while 23 more writers commit behind it.
        using var flushing = new SemaphoreSlim(0);
        using var proceed = new SemaphoreSlim(0);
        var calls = 0;
        committer.BeforeFlushForTests = () =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                flushing.Release();
                proceed.Wait();
            }
        };

        const int writers = 24;
        try
        {
            var first = Task.Run(() => WriteAsync("w0"));
            Assert.True(await flushing.WaitAsync(Patience));
            var others = Enumerable.Range(1, writers - 1).Select(i => Task.Run(() => WriteAsync($"w{i}"))).ToList();
            await Eventually.ValueAsync(
                () => Task.FromResult(Enumerable.Range(1, writers - 1).Sum(i => CountCommitted($"w{i}"))), committed => committed == writers - 1, Patience);

            proceed.Release();
            await Task.WhenAll(others.Append(first)).WaitAsync(Patience);
        }
        finally
        {
            committer.BeforeFlushForTests = null;
            proceed.Release(10);
        }

        // The held sync, then one for everyone who committed during it (a writer still between its commit and joining
        // the group when the first sync ends may need one more).
        Assert.InRange(committer.Flushes - before, 2, 3);
        Assert.Equal(writers, Enumerable.Range(0, writers).Sum(i => CountCommitted($"w{i}")));
    }

    [Fact]
    public async Task Only_a_write_in_progress_runs_with_normal_sync_and_the_connection_goes_back_to_full()
    {
        await PrepareAsync(wal: true);
        await using var db = NewContext();
        await db.Database.OpenConnectionAsync();
        Assert.Equal(2L, Synchronous(db));

        Assert.Equal(1L, await SynchronousWhileWritingAsync(db, "in-transaction"));

        Assert.Equal(2L, Synchronous(db));
        Assert.Equal(1, CountCommitted("in-transaction"));
    }

    [Fact]
    public async Task A_rollback_journal_file_keeps_full_sync_and_gets_no_group_commit()
    {
        // NORMAL in rollback-journal mode can corrupt the file on power loss; only WAL files are relaxed.
        await PrepareAsync(wal: false);
        await using var db = NewContext();
        await db.Database.OpenConnectionAsync();
        Assert.Equal(2L, await SynchronousWhileWritingAsync(db, "journal"));

        Assert.Null(SqliteWriteGate.GroupCommit(_file.Path));
        Assert.Equal(1, CountCommitted("journal"));
    }

    [Fact]
    public async Task A_failed_sync_fails_the_write_and_later_writes_sync_themselves()
    {
        await PrepareAsync(wal: true);
        var committer = SqliteWriteGate.GroupCommit(_file.Path)!;
        committer.BeforeFlushForTests = () => throw new IOException("EIO (simulated)");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync("unsure"));
        Assert.Contains(Chain(failure), e => e is IOException);
        Assert.True(committer.Broken);

        // From now on SQLite syncs each commit itself (FULL), and the file no longer asks for the group commit.
        var flushes = committer.Flushes;
        await using var db = NewContext();
        await db.Database.OpenConnectionAsync();
        Assert.Equal(2L, await SynchronousWhileWritingAsync(db, "after"));

        await WriteAsync("later");
        Assert.Equal(flushes, committer.Flushes);
        Assert.Equal(1, CountCommitted("later"));
    }

    /// <summary>A migrated file, in WAL mode (as the server sets it) or back in rollback-journal mode.</summary>
    private async Task PrepareAsync(bool wal)
    {
        // EF Core creates a new SQLite file in WAL mode; the rollback-journal case switches it back before any write
        // of the test. Nothing else has the file open then, so the switch takes.
        await using (var setup = new SqliteConnection($"Data Source={_file.Path};Pooling=False"))
        {
            setup.Open();
            using var command = setup.CreateCommand();
            command.CommandText = wal ? "PRAGMA journal_mode=WAL" : "PRAGMA journal_mode=DELETE";
            Assert.Equal(wal ? "wal" : "delete", command.ExecuteScalar());
        }

        await using var db = NewContext();
        await db.Database.MigrateAsync();
    }

    private async Task WriteAsync(string key)
    {
        await using var db = NewContext();
        db.RateCounters.Add(Counter(key));
        await db.SaveChangesAsync();
    }

    private static RateCounter Counter(string key) => new() { Key = key, Count = 1, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) };

    /// <summary>What a connection of its own (no pool, no interceptor) reads from the file.</summary>
    private int CountCommitted(string key)
    {
        using var connection = new SqliteConnection($"Data Source={_file.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM RateCounters WHERE Key = $key";
        command.Parameters.AddWithValue("$key", key);
        return Convert.ToInt32(command.ExecuteScalar());
    }

    /// <summary>Writes one row in a transaction and returns the connection's sync level seen inside it.</summary>
    private static async Task<long> SynchronousWhileWritingAsync(SqliteIessDbContext db, string key)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var inside = Synchronous(db);
        db.RateCounters.Add(Counter(key));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return inside;
    }

    private static long Synchronous(DbContext db)
    {
        using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = "PRAGMA synchronous";
        return (long)command.ExecuteScalar()!;
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private SqliteIessDbContext NewContext() => _file.NewContext();

    public void Dispose() => _file.Dispose();
}
