"""jingpin as an MCP server (the official SDK's :class:`MCPServer`): six tools over the Assistant, and
every clause of the served KB version as a resource ``jingpin://clause/{doc_id}/{clause_id}``.

The tools only translate: arguments → an Assistant call → the models of :mod:`.models`. Bad input
(an empty or too long question, an unknown fact, clause or product) is a tool error with the
library's bilingual message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp_types import Resource, ToolAnnotations
from pydantic import Field

from bot.answer import Assistant
from bot.answer.question import question_problem
from bot.channels.mcp.models import (
    CLAUSE_URI,
    AskResult,
    CatalogResult,
    ClauseResult,
    DocumentsResult,
    EligibilityResult,
    ProcurementResult,
    clause_uri,
)
from ingest.errors import IngestError
from knowledge.catalog.search import CatalogFilters
from knowledge.dependencies import dependency_down
from knowledge.errors import KnowledgeError

INSTRUCTIONS = (
    "jingpin 回答浙江省“浙江制造精品”政策（浙经信技术〔2013〕573号）及其《目录》的问题，每个结论都引用条款原文；"
    "知识库未覆盖的问题会明确说明（grounded=false），请勿自行补充。"
    " / jingpin answers questions on the Zhejiang 浙江制造精品 policy and its catalog, citing clauses verbatim; "
    "when grounded is false the knowledge base does not cover the question: say so, do not guess.")
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

AsOf = Annotated[dt.date | None, Field(description="按哪一天判断规则（YYYY-MM-DD，默认今天） / judge rules on this day "
                                                   "(default today)")]


@contextmanager
def _tool_errors() -> Iterator[None]:
    """Library errors (bad facts, unknown clause or product …) and a database or vector store that does
    not answer (naming it) as tool errors with their bilingual message."""
    try:
        yield
    except (KnowledgeError, IngestError) as exc:
        raise ToolError(str(exc)) from exc
    except Exception as exc:
        down = dependency_down(exc)
        if down is None:
            raise
        raise ToolError(str(down)) from exc


class JingpinServer(MCPServer[Any]):
    """The MCP server over one Assistant; its resource list is the served version's clauses."""

    def __init__(self, assistant: Assistant) -> None:
        super().__init__("jingpin", title="jingpin 浙江制造精品政策问答", instructions=INSTRUCTIONS, version="0.1.0",
                         log_level="WARNING")
        self.assistant = assistant

    async def list_resources(self) -> list[Resource]:
        """Every clause of the served KB version, as ``jingpin://clause/{doc_id}/{clause_id}``."""
        kb = self.assistant.kb()
        return [Resource(uri=clause_uri(c.doc_id, c.clause_id), name=f"{doc.doc_number or doc.title} {c.label}".strip(),
                         title=f"{c.label} {c.heading}".strip(), description=c.text[:120], mime_type="text/plain")
                for doc in kb.documents.values() for c in kb.clauses_of(doc.doc_id)]


def build_server(assistant: Assistant) -> JingpinServer:
    """The MCP server with jingpin's tools and the clause resources."""
    server = JingpinServer(assistant)
    facts = "；".join(f"{f['name']}（{f['label']}）" for f in assistant.fact_vocabulary())

    @server.tool(name="ask_policy", title="政策问答 / ask the policy", annotations=READ_ONLY, description=(
        "用中文或英文就“浙江制造精品”政策提问（认定条件、政府采购与招投标优先、视同业绩、奖励、展位费、信贷、首台（套）等），"
        "返回带条款标注的回答、结论(conclusion)、是否有依据(grounded)和逐字引用的条款(citations)。一般问题首选此工具。"
        " / Ask any question about the 浙江制造精品 policy in Chinese or English; returns the answer with clause "
        "labels, its conclusion, grounded, and verbatim citations. The default tool for policy questions."))
    def ask_policy(question: Annotated[str, Field(max_length=4000, description="问题，1–2000 字 / the question")],
                   as_of: AsOf = None) -> AskResult:
        problem = question_problem(question)
        if problem:
            raise ToolError(problem)
        with _tool_errors():
            return AskResult.of(assistant.ask(question, as_of=as_of))

    @server.tool(name="check_eligibility", title="资格判断 / check eligibility", annotations=READ_ONLY, description=(
        "按已知事实逐条判断企业或采购方是否满足政策规定（met / not_met / needs_info），每个条件附条款原文；"
        "缺少的事实列在 missing_facts。可用事实：" + facts +
        " / Verdicts per rule and condition for a case given as facts (names above), with citations; "
        "use when the user describes their own product or enterprise."))
    def check_eligibility(
            profile: Annotated[dict[str, Any], Field(description="事实名 → 值，如 {\"in_catalog\": \"是\", "
                                                                 "\"certified_on\": \"2025-03-01\"} / fact → value")],
            as_of: AsOf = None,
            audience: Annotated[Literal["enterprise", "buyer"] | None,
                                Field(description="只看企业方或采购方的规则 / only these rules")] = None,
    ) -> EligibilityResult:
        with _tool_errors():
            return EligibilityResult.of(assistant.check_eligibility(profile, as_of=as_of, audience=audience))

    @server.tool(name="procurement_check", title="采购核查 / procurement check", annotations=READ_ONLY, description=(
        "政府采购或国有资金项目的采购方义务与可选做法（如不得排斥《目录》产品、同等条件优先），并列出该品类在册的《目录》产品。"
        "facts 为采购方事实（如 buyer_type、project_funding、below_tender_threshold）。"
        " / A buyer's obligations and options under the policy, with citations, plus the active catalog products "
        "of product_category."))
    def procurement_check(
            facts: Annotated[dict[str, Any], Field(description="采购方事实 / buyer facts")],
            product_category: Annotated[str | None, Field(max_length=100, description="品类，如 工业机器人")] = None,
            as_of: AsOf = None,
    ) -> ProcurementResult:
        with _tool_errors():
            return ProcurementResult.of_check(assistant.procurement_check(facts, product_category=product_category,
                                                                          as_of=as_of))

    @server.tool(name="search_catalog", title="查《目录》 / search the catalog", annotations=READ_ONLY, description=(
        "在《浙江制造精品目录》中按产品名、企业名或需求搜索，可按地区、领域、年度、状态筛选。is_sample=true 的是示例数据（虚构企业），"
        "不是官方《目录》。 / Search catalog products by name, enterprise or need, with filters; rows with "
        "is_sample=true are made-up sample data, never the official catalog."))
    def search_catalog(
            q: Annotated[str, Field(max_length=200, description="产品、企业或需求 / product, enterprise or need")] = "",
            region: Annotated[str | None, Field(max_length=50, description="地区，如 杭州市")] = None,
            sector: Annotated[str | None, Field(max_length=50, description="领域，如 装备制造")] = None,
            year: Annotated[int | None, Field(ge=2000, le=2100, description="认定年度 / batch year")] = None,
            status: Annotated[Literal["active", "withdrawn"] | None, Field(description="在册 / 已退出")] = None,
            limit: Annotated[int, Field(ge=1, le=50)] = 10,
    ) -> CatalogResult:
        filters = CatalogFilters(region=region or None, sector=sector or None, year=year, status=status)
        with _tool_errors():
            page = assistant.search_catalog(q, filters, limit=limit)
        return CatalogResult.of(page.total, list(page.hits))

    @server.tool(name="get_clause", title="查看条款原文 / get a clause", annotations=READ_ONLY, description=(
        "按文件编号和条款编号取条款全文（如 doc_id=zjjx-2013-573, clause_id=三（二）7 或 三(二)7）。"
        " / The full verbatim text of one clause, e.g. after a citation."))
    def get_clause(doc_id: Annotated[str, Field(max_length=200, description="文件编号，见 list_documents")],
                   clause_id: Annotated[str, Field(max_length=200, description="条款编号或标签，如 三（二）7")]
                   ) -> ClauseResult:
        with _tool_errors():
            return ClauseResult.of(assistant.clause(doc_id, clause_id))

    @server.tool(name="list_documents", title="文件列表 / list documents", annotations=READ_ONLY, description=(
        "知识库当前版本收录的政策文件（doc_id、标题、文号、条款数）。 / The policy documents of the served "
        "knowledge base version."))
    def list_documents() -> DocumentsResult:
        with _tool_errors():
            return DocumentsResult.of(assistant.documents(), assistant.kb().version)

    @server.resource(CLAUSE_URI, name="clause", title="条款原文 / clause", mime_type="text/plain",
                     description="一个条款的全文 / one clause, verbatim")
    def clause_resource(doc_id: str, clause_id: str) -> str:
        try:
            return ClauseResult.of(assistant.clause(doc_id, clause_id)).as_text()
        except KnowledgeError as exc:
            raise ResourceNotFoundError(str(exc)) from exc

    return server
