"""JVM: Maven (pom.xml) and Gradle builds, frameworks."""

from __future__ import annotations

import re

from repomind.commands.model import _C_VERSION, _MAX_PACKAGES, _Ctx
from repomind.commands.shell import _dedupe

_JVM_FRAMEWORKS = (
    ("org.springframework", "spring"),
    ("spring-boot", "spring"),
    ("io.quarkus", "quarkus"),
    ("io.micronaut", "micronaut"),
    ("junit", "junit"),
    ("org.testng", "testng"),
    ("io.ktor", "ktor"),
    ("com.android.application", "android"),
)


def _jvm_frameworks(ctx: _Ctx, text: str) -> None:
    for needle, name in _JVM_FRAMEWORKS:
        if needle in text:
            ctx.frameworks.add(name)


def _maven(ctx: _Ctx) -> None:
    text = ctx.text("pom.xml") if ctx.has("pom.xml") else None
    if text is None:
        return
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    ctx.pms.add("maven")
    mvn = "./mvnw" if ctx.has("mvnw") else "mvn"
    detail = "via the Maven wrapper" if mvn == "./mvnw" else ""
    ctx.add("build", f"{mvn} -q -DskipTests package", "pom.xml", detail)
    ctx.add("test", f"{mvn} -q test", "pom.xml", detail)
    if "spotless-maven-plugin" in text:
        ctx.add("format", f"{mvn} -q spotless:check", "pom.xml")
    if "maven-checkstyle-plugin" in text:
        ctx.add("lint", f"{mvn} -q checkstyle:check", "pom.xml")
    if "spring-boot-maven-plugin" in text:
        ctx.add("run", f"{mvn} spring-boot:run", "pom.xml")
    _jvm_frameworks(ctx, text)
    modules = re.findall(r"<module>\s*([^<\s]+)\s*</module>", text)
    for module in modules[:_MAX_PACKAGES]:
        ctx.add("test", f"{mvn} -q -pl {module} -am test", f"{module}/pom.xml", root=False)
    java = re.search(
        r"<(maven\.compiler\.release|java\.version|maven\.compiler\.source)>\s*([^<\s]+)", text
    )
    if java:
        ctx.convention(_C_VERSION, f"Java {java.group(2)} (pom.xml {java.group(1)})")


def _gradle(ctx: _Ctx) -> None:
    rel = ctx.first("build.gradle.kts", "build.gradle", "settings.gradle.kts", "settings.gradle")
    if not rel:
        return
    ctx.pms.add("gradle")
    gradle = "./gradlew" if ctx.has("gradlew") else "gradle"
    text = "\n".join(ctx.text(r) or "" for r in ("build.gradle.kts", "build.gradle") if ctx.has(r))
    ctx.add("build", f"{gradle} build", rel)
    ctx.add("test", f"{gradle} test", rel)
    if "spotless" in text:
        ctx.add("format", f"{gradle} spotlessCheck", rel)
    if "detekt" in text:
        ctx.add("lint", f"{gradle} detekt", rel)
    if "ktlint" in text:
        ctx.add("lint", f"{gradle} ktlintCheck", rel)
    if "org.springframework.boot" in text:
        ctx.add("run", f"{gradle} bootRun", rel)
    elif re.search(r"""["']application["']|^\s*application\b""", text, re.M):
        ctx.add("run", f"{gradle} run", rel)
    _jvm_frameworks(ctx, text)
    settings = ctx.first("settings.gradle.kts", "settings.gradle")
    includes = (
        re.findall(
            r"""["']:?([\w\-:]+)["']""",
            " ".join(re.findall(r"\binclude\b\s*\(?([^)\n]*)", ctx.text(settings) or "")),
        )
        if settings
        else []
    )
    for project in _dedupe(includes)[:_MAX_PACKAGES]:
        ctx.add("test", f"{gradle} :{project}:test", settings or rel, root=False)
