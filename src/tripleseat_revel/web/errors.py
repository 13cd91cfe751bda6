"""Application errors carry their HTTP status; one handler renders them as JSON."""

from __future__ import annotations

from fastapi import FastAPI, Request
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


def install_error_handler(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _render(_request: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(
            {"error": exc.message, **exc.extra}, status_code=exc.status_code, headers=exc.headers
        )
