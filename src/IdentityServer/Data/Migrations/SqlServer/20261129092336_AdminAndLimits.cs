using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Iess.Identity.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AdminAndLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "FlowId",
                table: "OutboxMessages",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "MustChooseSecurityProfile",
                table: "AspNetUsers",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "GroupHash",
                table: "AccountFlows",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RateCounters",
                columns: table => new
                {
                    Key = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Count = table.Column<int>(type: "int", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RateCounters", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_FlowId",
                table: "OutboxMessages",
                column: "FlowId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_Actor_OccurredAt",
                table: "AuditEvents",
                columns: new[] { "Actor", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_OccurredAt",
                table: "AuditEvents",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_AccountFlows_GroupHash_CreatedAt",
                table: "AccountFlows",
                columns: new[] { "GroupHash", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AccountFlows_Kind_CreatedAt",
                table: "AccountFlows",
                columns: new[] { "Kind", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_RateCounters_ExpiresAt",
                table: "RateCounters",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RateCounters");

            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_FlowId",
                table: "OutboxMessages");

            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_Actor_OccurredAt",
                table: "AuditEvents");

            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_OccurredAt",
                table: "AuditEvents");

            migrationBuilder.DropIndex(
                name: "IX_AccountFlows_GroupHash_CreatedAt",
                table: "AccountFlows");

            migrationBuilder.DropIndex(
                name: "IX_AccountFlows_Kind_CreatedAt",
                table: "AccountFlows");

            migrationBuilder.DropColumn(
                name: "FlowId",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "MustChooseSecurityProfile",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "GroupHash",
                table: "AccountFlows");
        }
    }
}
