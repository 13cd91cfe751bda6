"""Application errors carry their HTTP status; one handler renders them as JSON."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel


class AppError(Exception):
    def __init__(
        self,
        message: str,
        status_code: int = 400,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.headers = headers
        self.extra = extra or {}


class ErrorBody(BaseModel):
    error: str


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body"))
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid"))


def install_error_handler(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _render(_request: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(
            {"error": exc.message, **exc.extra}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # The house error shape, keeping FastAPI's `detail` list for clients that read it.
        errors = jsonable_encoder(exc.errors())
        return JSONResponse({"error": "invalid request: " + _describe(errors[0]), "detail": errors}, 422)
