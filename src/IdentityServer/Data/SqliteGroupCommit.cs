using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;
using SQLitePCL;

namespace Iess.Identity.Data;

/// <summary>
/// Group commit for one SQLite file in write-ahead-log mode. A writer's transaction commits with
/// <c>synchronous=NORMAL</c> (appended to the WAL, no <c>fsync</c>, so SQLite's single write lock is free at once), and
/// the writer does not go on until an <c>fsync</c> of the WAL that <em>started after</em> its commit has finished. One
/// <c>fsync</c> then makes durable every commit that finished before it began, so concurrent requests share it instead of
/// each holding the write lock through its own (docs/PERFORMANCE.md, change 18). What a caller is told was saved is on
/// disk, as with <c>synchronous=FULL</c>.
/// </summary>
/// <remarks>
/// <para>Only WAL files get one: in rollback-journal mode NORMAL can corrupt the file on power loss, so those keep FULL.
/// A file leaves WAL mode only when no other connection is open; the keeper connection opened here stays open for the
/// life of the process, so a file that had WAL when its committer was made keeps it, and SQLite never deletes and
/// recreates the WAL (a new inode this process would not have synced, and a directory entry not yet on disk).</para>
/// <para>A failed <c>fsync</c> fails every writer waiting on it or committed before it (Linux may drop the unwritten
/// pages and report the error only once, so a later <c>fsync</c> proves nothing about them), and the file goes back to
/// FULL for the rest of the process: SQLite then syncs and reports for itself.</para>
/// </remarks>
internal sealed class SqliteGroupCommit
{
    /// <summary>How long the sync thread of an idle file stays; the next write starts a new one.</summary>
    private static readonly TimeSpan IdleThread = TimeSpan.FromSeconds(30);

    private readonly object _sync = new();
    private readonly string _walPath;
    private readonly SafeFileHandle _wal;
    private readonly SqliteConnection _keeper;

    private TaskCompletionSource? _waiting; // writers whose commits finished while a sync ran: the next group
    private bool _syncing;                  // an fsync is running (a writer's own, or the sync thread's)
    private bool _threadRunning;
    private IOException? _failure;

    private SqliteGroupCommit(string walPath, SafeFileHandle wal, SqliteConnection keeper)
    {
        _walPath = walPath;
        _wal = wal;
        _keeper = keeper;
    }

    /// <summary>True once an <c>fsync</c> failed: writers to this file use FULL again.</summary>
    public bool Broken => Volatile.Read(ref _failure) is not null;

    /// <summary>How many <c>fsync</c>s of the WAL were made (for tests).</summary>
    public int Flushes { get; private set; }

    /// <summary>Runs just before each <c>fsync</c>, on whichever thread runs it (tests hold a sync open or make it fail here).</summary>
    public Action? BeforeFlushForTests { get; set; }

    /// <summary>
    /// The group commit for the file this connection has open, or null when the file is not in WAL mode or its WAL
    /// cannot be synced from here (then writers keep FULL).
    /// </summary>
    public static SqliteGroupCommit? Open(SqliteConnection connection)
    {
        var keeper = new SqliteConnection(new SqliteConnectionStringBuilder(connection.ConnectionString) { Pooling = false }.ToString());
        SafeFileHandle? wal = null;
        try
        {
            keeper.Open();
            using (var command = keeper.CreateCommand())
            {
                // A read creates the WAL and its index if nobody has yet.
                command.CommandText = "PRAGMA journal_mode; SELECT count(*) FROM sqlite_master;";
                using var reader = command.ExecuteReader();
                if (!reader.Read() || !string.Equals(reader.GetString(0), "wal", StringComparison.OrdinalIgnoreCase))
                {
                    keeper.Dispose();
                    return null;
                }
            }

            // One handle for the life of the process: Linux reports a failed write-back to the handles that were open
            // when it happened, so a handle opened for each sync could miss it.
            var walPath = Path.GetFullPath(keeper.DataSource) + "-wal";
            wal = File.OpenHandle(walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);

            // The WAL may have just been created: its directory entry and what it holds reach the disk before any
            // commit counts on them.
            RandomAccess.FlushToDisk(wal);
            SyncDirectory(Path.GetDirectoryName(walPath)!);
            return new SqliteGroupCommit(walPath, wal, keeper);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or SqliteException
            or DllNotFoundException or EntryPointNotFoundException)
        {
            wal?.Dispose();
            keeper.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Completes once the commit that has just finished on the caller's connection is on disk. Called after the write
    /// lock was given back. When no sync is running the caller syncs at once on its own thread (no hand-off: the usual
    /// case when few write); otherwise it joins the group waiting for the next sync, which the file's sync thread starts
    /// only after taking the whole group. Fails with an <see cref="IOException"/> when that sync (or an earlier one)
    /// failed.
    /// </summary>
    public Task WaitDurableAsync()
    {
        lock (_sync)
        {
            if (_failure is { } failure)
            {
                return Task.FromException(Doubtful(failure));
            }

            if (_syncing || _waiting is not null)
            {
                var group = _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                WakeSyncThread();
                return group.Task;
            }

            _syncing = true;
        }

        var outcome = Sync();
        lock (_sync)
        {
            outcome = Synced(outcome);
            if (_waiting is not null)
            {
                WakeSyncThread();
            }
        }

        return outcome is null ? Task.CompletedTask : Task.FromException(Doubtful(outcome));
    }

    /// <summary>The same for a synchronous caller: it blocks, and a group's sync runs on the file's own thread, not the pool's.</summary>
    public void WaitDurable() => WaitDurableAsync().GetAwaiter().GetResult();

    /// <summary>Starts the sync thread, or wakes it (under the lock).</summary>
    private void WakeSyncThread()
    {
        if (_threadRunning)
        {
            Monitor.Pulse(_sync);
            return;
        }

        _threadRunning = true;
        new Thread(SyncLoop) { IsBackground = true, Name = "SQLite group commit" }.Start();
    }

    private void SyncLoop()
    {
        while (true)
        {
            TaskCompletionSource group;
            lock (_sync)
            {
                while (_waiting is null || _syncing)
                {
                    if (!Monitor.Wait(_sync, IdleThread) && _waiting is null)
                    {
                        _threadRunning = false;
                        return;
                    }
                }

                // The group is closed here: whoever commits from now on waits for the next sync.
                group = _waiting;
                _waiting = null;
                _syncing = true;
            }

            var outcome = Sync();
            lock (_sync)
            {
                outcome = Synced(outcome);
            }

            if (outcome is null)
            {
                group.SetResult();
            }
            else
            {
                group.SetException(Doubtful(outcome));
            }
        }
    }

    /// <summary>One <c>fsync</c> of the WAL; the failure, if any.</summary>
    private IOException? Sync()
    {
        try
        {
            BeforeFlushForTests?.Invoke();
            RandomAccess.FlushToDisk(_wal);
            return null;
        }
        catch (Exception exception)
        {
            return exception as IOException ?? new IOException($"Could not sync {_walPath} to disk.", exception);
        }
    }

    /// <summary>Records a finished sync (under the lock) and returns the failure its writers must be told of.</summary>
    private IOException? Synced(IOException? failure)
    {
        Flushes++;
        _syncing = false;

        // After a failed write-back Linux may have dropped the pages and reports the error only once, so a later sync
        // proves nothing about commits made before it: every writer from now on is told.
        _failure ??= failure;
        return _failure;
    }

    private static IOException Doubtful(IOException failure) =>
        new("The database file could not be synced to disk; this write may not be durable.", failure);

    private static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals directory entries itself; there is no fsync of a directory handle to ask for.
        }

        var fd = Posix.open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Could not open {directory} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Posix.fsync(fd) != 0)
            {
                throw new IOException($"Could not sync {directory} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Posix.close(fd);
        }
    }

    /// <summary>Sets the connection's sync level through SQLite's C API (no command object, no interceptor).</summary>
    public static void SetSynchronous(SqliteConnection connection, bool full)
    {
        var rc = raw.sqlite3_exec(connection.Handle, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
    }

    /// <summary>True when SQLite has no transaction open on the connection (a new write's sync level can still be chosen).</summary>
    public static bool InAutocommit(SqliteConnection connection) => raw.sqlite3_get_autocommit(connection.Handle) != 0;

    /// <summary>True when the connection's file uses the write-ahead log.</summary>
    public static bool UsesWal(SqliteConnection connection)
    {
        var rc = raw.sqlite3_prepare_v2(connection.Handle, "PRAGMA journal_mode", out var statement);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        using (statement)
        {
            return raw.sqlite3_step(statement) == raw.SQLITE_ROW
                && string.Equals(raw.sqlite3_column_text(statement, 0).utf8_to_string(), "wal", StringComparison.OrdinalIgnoreCase);
        }
    }

    private static class Posix
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
}
