# abisim serve in a container: HTTP on 8040, raw TCP on 8041, the sample database.
#   docker build -t abisim . && docker run --rm -p 8040:8040 -p 8041:8041 -e ABISIM_ADMIN_TOKEN=secret abisim
FROM python:3.11-slim
COPY . /src
RUN pip install --no-cache-dir /src && rm -rf /src && useradd --create-home abisim
USER abisim
WORKDIR /home/abisim
ENV ABISIM_DB=/home/abisim/abisim.sqlite3
EXPOSE 8040 8041
# 0.0.0.0 inside the container only; publish the ports on the host's loopback if you like.
CMD ["abisim", "serve", "--host", "0.0.0.0", "--port", "8040", "--tcp-port", "8041", "--sample"]
