CREATE TABLE refunds (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	order_id bigint NOT NULL REFERENCES orders (id)
);
ALTER TABLE refunds ADD CONSTRAINT refunds_coupon_fk FOREIGN KEY (order_id) REFERENCES orders (id);
