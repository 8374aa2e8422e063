"""The national public-service portal (Cổng Dịch vụ công quốc gia): gateway adapters and the sandbox."""
